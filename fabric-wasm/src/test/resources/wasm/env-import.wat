;; imports a function the host does not give: the deploy is refused (a module reaches only what the host imports).
(module
  (import "env" "open" (func $open (param i32) (result i32)))
  (memory (export "memory") 3)
  (func (export "value_ptr") (result i32) (i32.const 0))
  (func (export "args_ptr") (result i32) (i32.const 65536))
  (func (export "result_ptr") (result i32) (i32.const 131072))
  (func (export "compute") (param i64 i32 i32 i32) (result i32) (call $open (i32.const 0))))
