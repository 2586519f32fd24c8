;; a read-only UDF that answers the i32 in its args back, with a merge that keeps the longer value: for the
;; optional exports (read_only, merge).
(module
  (import "shawarma" "update" (func $update (param i32)))
  (memory (export "memory") 3)
  (func (export "value_ptr") (result i32) (i32.const 0))
  (func (export "args_ptr") (result i32) (i32.const 65536))
  (func (export "result_ptr") (result i32) (i32.const 131072))
  (func (export "read_only") (result i32) (i32.const 1))
  (func (export "merge") (param $value_len i32) (param $from_len i32) (result i32)
    (if (i32.gt_s (local.get $from_len) (local.get $value_len))
      (then
        (memory.copy (i32.const 0) (i32.const 65536) (local.get $from_len))
        (call $update (local.get $from_len))))
    (i32.const 0))
  (func (export "compute") (param i64 i32 i32 i32) (result i32)
    (i32.store (i32.const 131072) (i32.load (i32.const 65536)))
    (i32.const 4)))
