//! mean: the running mean of float64 samples, the same UDF as mean.wat, in Rust (docs/wasm.md has the ABI).
//! value: [sum f64][count i64], 16 bytes little-endian (an empty value is no sample yet);
//! args: one f64 sample to add, or nothing to read the mean; result: the mean as an f64 (0 with no sample).
//! Build: cargo build --release --target wasm32-unknown-unknown
//!        (then target/wasm32-unknown-unknown/release/shawarma_mean.wasm is the module to deploy)
#![no_std]

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

fn read8(bytes: &[u8], at: usize) -> [u8; 8] {
    let mut le = [0u8; 8];
    le.copy_from_slice(&bytes[at..at + 8]);
    le
}

/// Adds the f64 sample in args (if any) and returns the mean: 8 (the result's length) or -3 (UDF_FAILED).
#[no_mangle]
pub extern "C" fn compute(_vertex_id: i64, value_len: i32, args_len: i32, result_cap: i32) -> i32 {
    if (args_len != 0 && args_len != 8) || result_cap < 8 {
        return -3;
    }
    unsafe {
        let value = &mut *core::ptr::addr_of_mut!(VALUE);
        let args = &*core::ptr::addr_of!(ARGS);
        let result = &mut *core::ptr::addr_of_mut!(RESULT);
        let (mut sum, mut count) = if value_len >= 16 {
            (f64::from_le_bytes(read8(value, 0)), i64::from_le_bytes(read8(value, 8)))
        } else {
            (0.0, 0)
        };
        if args_len == 8 {
            sum += f64::from_le_bytes(read8(args, 0));
            count += 1;
            value[..8].copy_from_slice(&sum.to_le_bytes());
            value[8..16].copy_from_slice(&count.to_le_bytes());
            update(16);
        }
        let mean = if count == 0 { 0.0 } else { sum / count as f64 };
        result[..8].copy_from_slice(&mean.to_le_bytes());
    }
    8
}
