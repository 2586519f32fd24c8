;; compute announces a value far beyond the largest one: the call fails UDF_FAILED and nothing is stored.
(module
  (import "shawarma" "update" (func $update (param i32)))
  (memory (export "memory") 3)
  (func (export "value_ptr") (result i32) (i32.const 0))
  (func (export "args_ptr") (result i32) (i32.const 65536))
  (func (export "result_ptr") (result i32) (i32.const 131072))
  (func (export "compute") (param i64 i32 i32 i32) (result i32)
    (call $update (i32.const 1000000000))
    (i32.const 0)))
