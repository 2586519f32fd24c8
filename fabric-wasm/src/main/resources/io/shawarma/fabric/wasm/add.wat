;; add: the WebAssembly twin of the built-in Java `add` UDF (a copy of examples/wasm/counter/counter.wat). Each worker
;; compiles it once in the background at start, to warm Chicory up before the first deploy; VertexPathBenchmark runs
;; it against the Java add. value: a little-endian i64 total (empty counts as 0); args: the i64 to add; result: the
;; new total; args shorter than 8 bytes fail with -3 (UDF_FAILED).
(module
  (import "shawarma" "update" (func $update (param i32)))
  ;; 3 pages: the value at 0 (room for the default shawarma.store.value.max.bytes, 64 KiB), the args at 64 KiB,
  ;; the result at 128 KiB.
  (memory (export "memory") 3)
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
