;; counter, version 2: examples/wasm/counter/counter.wat with one more export (its version), so its bytes and hash
;; differ while it counts the same way: for redeploys under load.
(module
  (import "shawarma" "update" (func $update (param i32)))
  ;; 3 pages: the value at 0 (room for the default shawarma.store.value.max.bytes, 64 KiB), the args at 64 KiB,
  ;; the result at 128 KiB.
  (memory (export "memory") 3)
  (func (export "version") (result i32) (i32.const 2))
  (func (export "value_ptr") (result i32) (i32.const 0))
  (func (export "args_ptr") (result i32) (i32.const 65536))
  (func (export "result_ptr") (result i32) (i32.const 131072))
  (func (export "compute") (param $vertex_id i64) (param $value_len i32) (param $args_len i32) (param $result_cap i32)
        (result i32)
    (local $total i64)
    (if (i32.lt_s (local.get $args_len) (i32.const 8))
      (then (return (i32.const -3))))
    (local.set $total
      (i64.add
        (if (result i64) (i32.ge_s (local.get $value_len) (i32.const 8))
          (then (i64.load (i32.const 0)))
          (else (i64.const 0)))
        (i64.load (i32.const 65536))))
    (i64.store (i32.const 0) (local.get $total))
    (call $update (i32.const 8))
    (i64.store (i32.const 131072) (local.get $total))
    (i32.const 8)))
