;; mean: the running mean of float64 samples (docs/wasm.md has the ABI).
;; value: [sum f64][count i64], 16 bytes little-endian (an empty value is no sample yet);
;; args: one f64 sample to add, or nothing to read the mean; result: the mean as an f64 (0 when there is no sample).
;; Args of another length fail with -3 (UDF_FAILED).
;; Build: wat2wasm mean.wat -o mean.wasm   (or scripts/dev/wat2wasm, which rebuilds every .wasm)
(module
  (import "shawarma" "update" (func $update (param i32)))
  (memory (export "memory") 3)
  (func (export "value_ptr") (result i32) (i32.const 0))
  (func (export "args_ptr") (result i32) (i32.const 65536))
  (func (export "result_ptr") (result i32) (i32.const 131072))
  (func (export "compute") (param $vertex_id i64) (param $value_len i32) (param $args_len i32) (param $result_cap i32)
        (result i32)
    (local $sum f64)
    (local $count i64)
    (if (i32.ge_s (local.get $value_len) (i32.const 16))
      (then
        (local.set $sum (f64.load (i32.const 0)))
        (local.set $count (i64.load (i32.const 8)))))
    (if (i32.eq (local.get $args_len) (i32.const 8))
      (then
        (local.set $sum (f64.add (local.get $sum) (f64.load (i32.const 65536))))
        (local.set $count (i64.add (local.get $count) (i64.const 1)))
        (f64.store (i32.const 0) (local.get $sum))
        (i64.store (i32.const 8) (local.get $count))
        (call $update (i32.const 16)))
      (else
        (if (i32.ne (local.get $args_len) (i32.const 0))
          (then (return (i32.const -3))))))
    (f64.store (i32.const 131072)
      (if (result f64) (i64.eqz (local.get $count))
        (then (f64.const 0))
        (else (f64.div (local.get $sum) (f64.convert_i64_s (local.get $count))))))
    (i32.const 8)))
