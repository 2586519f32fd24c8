//! counter: an i64 counter, the same UDF as counter.wat, in Rust (docs/wasm.md has the ABI and the build).
//! value: the total, a little-endian i64 (an empty value counts as 0); args: the i64 to add; result: the new total.
//! Build: cargo build --release --target wasm32-unknown-unknown
//!        (then target/wasm32-unknown-unknown/release/shawarma_counter.wasm is the module to deploy)
#![no_std]

/// Room for the default shawarma.store.value.max.bytes (64 KiB); args and result get the same.
const ROOM: usize = 64 * 1024;

static mut VALUE: [u8; ROOM] = [0; ROOM];
static mut ARGS: [u8; ROOM] = [0; ROOM];
static mut RESULT: [u8; ROOM] = [0; ROOM];

#[link(wasm_import_module = "shawarma")]
extern "C" {
    /// The bytes at value_ptr are the vertex's new value, new_len bytes long (stored if compute then succeeds).
    fn update(new_len: i32);
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // A trap would be better; without std, a loop is the portable way out: the call's time budget stops it.
    loop {}
}

#[no_mangle]
#[allow(unused_unsafe)] // unsafe before Rust 1.82, safe since
pub extern "C" fn value_ptr() -> i32 {
    unsafe { core::ptr::addr_of!(VALUE) as usize as i32 }
}

#[no_mangle]
#[allow(unused_unsafe)]
pub extern "C" fn args_ptr() -> i32 {
    unsafe { core::ptr::addr_of!(ARGS) as usize as i32 }
}

#[no_mangle]
#[allow(unused_unsafe)]
pub extern "C" fn result_ptr() -> i32 {
    unsafe { core::ptr::addr_of!(RESULT) as usize as i32 }
}

fn read_i64(bytes: &[u8]) -> i64 {
    let mut le = [0u8; 8];
    le.copy_from_slice(&bytes[..8]);
    i64::from_le_bytes(le)
}

/// Adds the i64 in args to the vertex's total; returns 8 (the result's length) or -3 (UDF_FAILED).
#[no_mangle]
pub extern "C" fn compute(_vertex_id: i64, value_len: i32, args_len: i32, result_cap: i32) -> i32 {
    if args_len < 8 || result_cap < 8 {
        return -3;
    }
    unsafe {
        let value = &mut *core::ptr::addr_of_mut!(VALUE);
        let args = &*core::ptr::addr_of!(ARGS);
        let result = &mut *core::ptr::addr_of_mut!(RESULT);
        let current = if value_len >= 8 { read_i64(value) } else { 0 };
        let total = current.wrapping_add(read_i64(args));
        value[..8].copy_from_slice(&total.to_le_bytes());
        update(8);
        result[..8].copy_from_slice(&total.to_le_bytes());
    }
    8
}
