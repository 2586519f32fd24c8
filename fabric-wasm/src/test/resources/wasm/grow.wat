;; compute grows the memory by the i32 in args (pages): the new size in pages as an i32 result, or -3 (UDF_FAILED)
;; when the grow fails (past shawarma.wasm.memory.max.bytes).
(module
  (memory (export "memory") 3)
  (func (export "value_ptr") (result i32) (i32.const 0))
  (func (export "args_ptr") (result i32) (i32.const 65536))
  (func (export "result_ptr") (result i32) (i32.const 131072))
  (func (export "compute") (param i64 i32 i32 i32) (result i32)
    (local $previous i32)
    (local.set $previous (memory.grow (i32.load (i32.const 65536))))
    (if (i32.lt_s (local.get $previous) (i32.const 0))
      (then (return (i32.const -3))))
    (i32.store (i32.const 131072) (memory.size))
    (i32.const 4)))
