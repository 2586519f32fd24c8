/**
 * WebAssembly UDFs: modules deployed into a running fabric, in any language that compiles to WebAssembly, run in a
 * sandbox by Chicory (the pure-Java WebAssembly runtime), compiled to JVM bytecode at deploy.
 * <p>
 * How it fits, and why this shape:
 * <ul>
 *     <li>fabric-core knows nothing of WebAssembly. It gives two generic hooks: a run-time table in its
 *     {@link io.shawarma.fabric.store.UdfRegistry} ({@code deploy}/{@code undeploy}, changed on the agent thread
 *     between two calls, so a call runs wholly on the version it found), and {@link io.shawarma.fabric.WorkerPlugin}s
 *     found with ServiceLoader, whose {@link io.shawarma.fabric.WorkerCommand}s a worker runs for any authenticated
 *     call naming them, on no vertex. With this module on the classpath (scripts/shawarma puts it there), every
 *     worker gets a {@link io.shawarma.fabric.wasm.WasmDeployments}.</li>
 *     <li>A deploy is an ordinary call ({@link io.shawarma.fabric.wasm.Deployer} through
 *     {@link io.shawarma.fabric.FabricClient#invokeAt}) to the command {@code shawarma.wasm.deploy} of each worker,
 *     authenticated like any call, with the module in chunks of at most {@code shawarma.max.payload.bytes}; the worker
 *     checks the module against the ABI ({@link io.shawarma.fabric.wasm.WasmAbi}, docs/wasm.md), compiles it,
 *     instantiates it, keeps it in {@code <shawarma.data.dir>/wasm-worker-<id>/} and swaps it in, or answers why
 *     not.</li>
 *     <li>A call runs {@link io.shawarma.fabric.wasm.WasmUdf#compute} on the agent thread like any UDF. The worker's
 *     one {@link io.shawarma.fabric.wasm.CallWatchdog} thread (started by the first WebAssembly call) interrupts
 *     a call past {@code shawarma.wasm.call.budget}; the interrupt is cleared before the agent goes on. The
 *     module's memory is capped ({@code shawarma.wasm.memory.max}), and it can reach nothing but its memory
 *     and the one host function it may import, {@code shawarma.update}.</li>
 *     <li>{@link io.shawarma.fabric.wasm.FabricCli} is the {@code deploy}, {@code undeploy}, {@code udfs},
 *     {@code call}, {@code put} and {@code get} command line.</li>
 * </ul>
 */
package io.shawarma.fabric.wasm;
