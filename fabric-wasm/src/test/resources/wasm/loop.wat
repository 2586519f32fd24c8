;; compute never returns: the call's time budget must stop it (CallWatchdog).
(module
  (memory (export "memory") 3)
  (func (export "value_ptr") (result i32) (i32.const 0))
  (func (export "args_ptr") (result i32) (i32.const 65536))
  (func (export "result_ptr") (result i32) (i32.const 131072))
  (func (export "compute") (param i64 i32 i32 i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))
