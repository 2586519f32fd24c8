package io.shawarma.fabric.wasm;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ValType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ABI between a worker and a WebAssembly UDF (docs/wasm.md), and the check a module passes before it runs:
 * <ul>
 *     <li>exports {@code memory}; {@code value_ptr}, {@code args_ptr}, {@code result_ptr}: {@code () -> i32};
 *     {@code compute(vertex_id i64, value_len i32, args_len i32, result_cap i32) -> i32};</li>
 *     <li>may export {@code merge(value_len i32, from_len i32) -> i32} and {@code read_only() -> i32};</li>
 *     <li>may import {@code shawarma.update(new_len i32)}, and nothing else.</li>
 * </ul>
 * Numbers are little-endian. Never change a name or a signature here: deployed modules are built against them.
 */
final class WasmAbi
{
    static final String MEMORY = "memory";
    static final String VALUE_PTR = "value_ptr";
    static final String ARGS_PTR = "args_ptr";
    static final String RESULT_PTR = "result_ptr";
    static final String COMPUTE = "compute";
    static final String MERGE = "merge";
    static final String READ_ONLY = "read_only";
    static final String HOST_MODULE = "shawarma";
    static final String UPDATE = "update";

    static final FunctionType POINTER = FunctionType.of(List.of(), List.of(ValType.I32));
    static final FunctionType COMPUTE_TYPE =
        FunctionType.of(List.of(ValType.I64, ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32));
    static final FunctionType MERGE_TYPE = FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));
    static final FunctionType UPDATE_TYPE = FunctionType.of(List.of(ValType.I32), List.of());

    private static final byte[] MAGIC = { 0, 'a', 's', 'm' };

    private WasmAbi()
    {
    }

    /**
     * @param bytes of a file.
     * @return true when they start as a WebAssembly binary does ({@code \0asm}).
     */
    static boolean hasMagic(final byte[] bytes)
    {
        if (bytes.length < MAGIC.length)
        {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++)
        {
            if (bytes[i] != MAGIC[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the module's imports and exports against the ABI.
     *
     * @param module parsed and validated.
     * @return whether it exports {@code merge} and {@code read_only}, as {@code [merge, readOnly]}.
     * @throws WasmRefusal naming the first breach: an import the host does not give, a missing export, a wrong
     *                     signature.
     */
    static boolean[] check(final WasmModule module)
    {
        int importedFunctions = 0;
        for (int i = 0; i < module.importSection().importCount(); i++)
        {
            final Import imported = module.importSection().getImport(i);
            final boolean isUpdate = HOST_MODULE.equals(imported.module()) && UPDATE.equals(imported.name());
            if (!isUpdate || ExternalType.FUNCTION != imported.importType())
            {
                throw new WasmRefusal("imports " + imported.module() + "." + imported.name() +
                    ", which the host does not give: a module may import only shawarma.update(i32)");
            }
            final FunctionType type = module.typeSection().getType(((FunctionImport)imported).typeIndex());
            if (!UPDATE_TYPE.equals(type))
            {
                throw wrongSignature("import shawarma.update", type, UPDATE_TYPE);
            }
            importedFunctions++;
        }

        final Map<String, Export> exports = new HashMap<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++)
        {
            final Export export = module.exportSection().getExport(i);
            exports.put(export.name(), export);
        }
        final Export memory = exports.get(MEMORY);
        if (null == memory || ExternalType.MEMORY != memory.exportType())
        {
            throw new WasmRefusal("missing export '" + MEMORY + "' (a memory)");
        }
        if (module.memorySection().isEmpty() || module.memorySection().get().memoryCount() == 0)
        {
            throw new WasmRefusal("the module must define its memory, not import it");
        }
        checkFunction(module, exports, importedFunctions, VALUE_PTR, POINTER, true);
        checkFunction(module, exports, importedFunctions, ARGS_PTR, POINTER, true);
        checkFunction(module, exports, importedFunctions, RESULT_PTR, POINTER, true);
        checkFunction(module, exports, importedFunctions, COMPUTE, COMPUTE_TYPE, true);
        final boolean merge = checkFunction(module, exports, importedFunctions, MERGE, MERGE_TYPE, false);
        final boolean readOnly = checkFunction(module, exports, importedFunctions, READ_ONLY, POINTER, false);
        return new boolean[]{ merge, readOnly };
    }

    private static boolean checkFunction(
        final WasmModule module, final Map<String, Export> exports, final int importedFunctions, final String name,
        final FunctionType expected, final boolean required)
    {
        final Export export = exports.get(name);
        if (null == export)
        {
            if (required)
            {
                throw new WasmRefusal("missing export '" + name + "', a function " + signature(expected));
            }
            return false;
        }
        if (ExternalType.FUNCTION != export.exportType())
        {
            throw new WasmRefusal("export '" + name + "' is a " + export.exportType().name().toLowerCase() +
                ", expected a function " + signature(expected));
        }
        final int index = export.index();
        final FunctionType type = index < importedFunctions ? UPDATE_TYPE :
            module.typeSection().getType(module.functionSection().getFunctionType(index - importedFunctions));
        if (!expected.equals(type))
        {
            throw wrongSignature("export '" + name + "'", type, expected);
        }
        return true;
    }

    private static WasmRefusal wrongSignature(final String what, final FunctionType type, final FunctionType expected)
    {
        return new WasmRefusal("wrong signature: " + what + " is " + signature(type) + ", expected " +
            signature(expected));
    }

    /**
     * @return e.g. {@code (i64, i32, i32, i32) -> i32}.
     */
    static String signature(final FunctionType type)
    {
        final StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < type.params().size(); i++)
        {
            text.append(i > 0 ? ", " : "").append(type.params().get(i).toString().toLowerCase());
        }
        text.append(") -> ");
        if (type.returns().isEmpty())
        {
            text.append("()");
        }
        for (int i = 0; i < type.returns().size(); i++)
        {
            text.append(i > 0 ? ", " : "").append(type.returns().get(i).toString().toLowerCase());
        }
        return text.toString();
    }
}
