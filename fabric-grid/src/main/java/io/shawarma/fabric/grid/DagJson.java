package io.shawarma.fabric.grid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the one DAG format:
 * <pre>
 * {"name": "sum", "retries": 1, "tasks": [
 *     {"name": "a", "udf": "add", "args": [5]},
 *     {"name": "b", "udf": "add", "args": [7]},
 *     {"name": "c", "udf": "add", "inputs": ["a", "b"]}]}
 * </pre>
 * A strict subset of JSON: objects, arrays, strings without escapes other than {@code \"} and {@code \\}, and
 * integers. Unknown keys, duplicate keys, wrong types and trailing text are refused with the offset of the problem.
 * Control plane only: allocates freely.
 */
public final class DagJson
{
    private static final int MAX_DEPTH = 8;

    private final String text;
    private int position;

    private DagJson(final String text)
    {
        this.text = text;
    }

    /**
     * @param json the DAG as JSON.
     * @return the validated DAG.
     * @throws IllegalArgumentException saying what is wrong and where.
     */
    public static TaskDag parse(final String json)
    {
        final DagJson parser = new DagJson(json);
        final Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.position != json.length())
        {
            throw parser.error("unexpected text after the DAG");
        }
        final Map<String, Object> dag = object(value, "the DAG");
        checkKeys(dag, "the DAG", "name", "retries", "tasks");
        final TaskDag.Builder builder = TaskDag.builder(string(dag.get("name"), "name", "the DAG"));
        if (dag.containsKey("retries"))
        {
            builder.retries((int)integer(dag.get("retries"), "retries", Integer.MAX_VALUE));
        }
        final Object tasks = dag.get("tasks");
        if (!(tasks instanceof List))
        {
            throw new IllegalArgumentException("\"tasks\" of the DAG must be an array of tasks");
        }
        for (final Object element : (List<?>)tasks)
        {
            final Map<String, Object> task = object(element, "a task");
            final String name = string(task.get("name"), "name", "a task");
            final String where = "task '" + name + "'";
            checkKeys(task, where, "name", "udf", "inputs", "args");
            final List<String> inputs = new ArrayList<>();
            for (final Object input : list(task.get("inputs"), "inputs", where))
            {
                inputs.add(string(input, "inputs", where));
            }
            final List<Object> argValues = list(task.get("args"), "args", where);
            final long[] args = new long[argValues.size()];
            for (int i = 0; i < args.length; i++)
            {
                args[i] = integer(argValues.get(i), "args of " + where, Long.MAX_VALUE);
            }
            builder.task(name, string(task.get("udf"), "udf", where), inputs, args);
        }
        return builder.build();
    }

    /**
     * @param dag to write.
     * @return the DAG in the form {@link #parse} reads.
     */
    public static String write(final TaskDag dag)
    {
        final StringBuilder out = new StringBuilder(64 + 48 * dag.taskCount());
        out.append("{\"name\":");
        quote(out, dag.name());
        out.append(",\"retries\":").append(dag.retries()).append(",\"tasks\":[");
        for (int i = 0; i < dag.taskCount(); i++)
        {
            out.append(i == 0 ? "{\"name\":" : ",{\"name\":");
            quote(out, dag.taskName(i));
            out.append(",\"udf\":");
            quote(out, dag.udf(i));
            final int[] inputs = dag.inputs(i);
            if (inputs.length > 0)
            {
                out.append(",\"inputs\":[");
                for (int j = 0; j < inputs.length; j++)
                {
                    if (j > 0)
                    {
                        out.append(',');
                    }
                    quote(out, dag.taskName(inputs[j]));
                }
                out.append(']');
            }
            final long[] args = dag.args(i);
            if (args.length > 0)
            {
                out.append(",\"args\":[");
                for (int j = 0; j < args.length; j++)
                {
                    out.append(j == 0 ? "" : ",").append(args[j]);
                }
                out.append(']');
            }
            out.append('}');
        }
        return out.append("]}").toString();
    }

    private static void quote(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if ('"' == c || '\\' == c)
            {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }

    private Object value(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw error("nested too deeply");
        }
        skipWhitespace();
        if (position >= text.length())
        {
            throw error("unexpected end of text");
        }
        final char c = text.charAt(position);
        if ('{' == c)
        {
            return objectValue(depth);
        }
        if ('[' == c)
        {
            return arrayValue(depth);
        }
        if ('"' == c)
        {
            return stringValue();
        }
        if ('-' == c || (c >= '0' && c <= '9'))
        {
            return numberValue();
        }
        throw error("expected an object, array, string or integer");
    }

    private Map<String, Object> objectValue(final int depth)
    {
        position++;
        final Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek('}'))
        {
            position++;
            return members;
        }
        while (true)
        {
            skipWhitespace();
            if (!peek('"'))
            {
                throw error("expected a key in quotes");
            }
            final String key = stringValue();
            skipWhitespace();
            expect(':');
            if (null != members.put(key, value(depth + 1)))
            {
                throw error("key \"" + key + "\" given twice");
            }
            skipWhitespace();
            if (peek(','))
            {
                position++;
                continue;
            }
            expect('}');
            return members;
        }
    }

    private List<Object> arrayValue(final int depth)
    {
        position++;
        final List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek(']'))
        {
            position++;
            return elements;
        }
        while (true)
        {
            elements.add(value(depth + 1));
            skipWhitespace();
            if (peek(','))
            {
                position++;
                continue;
            }
            expect(']');
            return elements;
        }
    }

    private String stringValue()
    {
        position++;
        final StringBuilder value = new StringBuilder();
        while (position < text.length())
        {
            final char c = text.charAt(position++);
            if ('"' == c)
            {
                return value.toString();
            }
            if ('\\' == c)
            {
                if (position >= text.length() || (text.charAt(position) != '"' && text.charAt(position) != '\\'))
                {
                    throw error("only \\\" and \\\\ escapes are supported");
                }
                value.append(text.charAt(position++));
            }
            else if (c < 0x20)
            {
                throw error("control character in a string");
            }
            else
            {
                value.append(c);
            }
        }
        throw error("unterminated string");
    }

    private Long numberValue()
    {
        final int start = position;
        if (peek('-'))
        {
            position++;
        }
        while (position < text.length() && text.charAt(position) >= '0' && text.charAt(position) <= '9')
        {
            position++;
        }
        if (position < text.length() && (peek('.') || peek('e') || peek('E')))
        {
            throw error("only integers are supported");
        }
        try
        {
            return Long.parseLong(text.substring(start, position));
        }
        catch (final NumberFormatException ex)
        {
            position = start;
            throw error("not a 64-bit integer");
        }
    }

    private void skipWhitespace()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
    }

    private boolean peek(final char c)
    {
        return position < text.length() && text.charAt(position) == c;
    }

    private void expect(final char c)
    {
        if (!peek(c))
        {
            throw error("expected '" + c + "'");
        }
        position++;
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("DAG JSON at offset " + position + ": " + what);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(final Object value, final String what)
    {
        if (!(value instanceof Map))
        {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return (Map<String, Object>)value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Object value, final String key, final String where)
    {
        if (null == value)
        {
            return List.of();
        }
        if (!(value instanceof List))
        {
            throw new IllegalArgumentException("\"" + key + "\" of " + where + " must be an array");
        }
        return (List<Object>)value;
    }

    private static String string(final Object value, final String key, final String where)
    {
        if (!(value instanceof String))
        {
            throw new IllegalArgumentException("\"" + key + "\" of " + where + " must be a string");
        }
        return (String)value;
    }

    private static long integer(final Object value, final String what, final long max)
    {
        if (!(value instanceof Long) || (Long)value > max || (max == Integer.MAX_VALUE && (Long)value < 0))
        {
            throw new IllegalArgumentException("\"" + what + "\" must be an integer" +
                (max == Integer.MAX_VALUE ? " in [0, " + max + "]" : ""));
        }
        return (Long)value;
    }

    private static void checkKeys(final Map<String, Object> object, final String where, final String... known)
    {
        for (final String key : object.keySet())
        {
            if (!List.of(known).contains(key))
            {
                throw new IllegalArgumentException(where + " has an unknown key \"" + key + "\"; known: " +
                    String.join(", ", known));
            }
        }
    }
}
