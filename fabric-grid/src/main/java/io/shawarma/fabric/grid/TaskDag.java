package io.shawarma.fabric.grid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A DAG of tasks submitted as a whole. A task is a named UDF call producing one output vertex: the UDF is folded
 * over the task's operands in order, first each input task's result, then each literal argument (a little-endian
 * int64), starting from an empty vertex; the task's result is the UDF's last result. So {@code add} sums its inputs
 * and arguments, {@code max} takes their maximum.
 * <p>
 * A task fires when every input task is done (Petri-net semantics: each input edge is a place that gets a token when
 * its producer completes). Built by {@link #builder(String)} or read by {@link DagJson}; a DAG with a cycle or an
 * input that no task produces is refused with the path or the name in the message. Immutable.
 */
public final class TaskDag
{
    /** Most tasks in one DAG. */
    public static final int MAX_TASKS = 10_000;
    /** Most inputs of one task. */
    public static final int MAX_INPUTS = 256;
    /** Largest task result (a worker's larger result fails the task). */
    public static final int MAX_RESULT_BYTES = 1024;
    /** Most retries of a failed task. */
    public static final int MAX_RETRIES = 100;
    /** Longest task, DAG or UDF name. */
    public static final int MAX_NAME_LENGTH = 64;

    private final String name;
    private final int retries;
    private final String[] taskNames;
    private final String[] udfs;
    private final int[][] inputs;
    private final long[][] args;
    private final int[][] dependants;

    private TaskDag(
        final String name, final int retries, final String[] taskNames, final String[] udfs, final int[][] inputs,
        final long[][] args)
    {
        this.name = name;
        this.retries = retries;
        this.taskNames = taskNames;
        this.udfs = udfs;
        this.inputs = inputs;
        this.args = args;
        this.dependants = dependantsOf(inputs);
    }

    /**
     * @param name of the DAG, for messages.
     * @return a builder.
     */
    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    /** @return the DAG's name. */
    public String name()
    {
        return name;
    }

    /** @return how many times a failed task is retried. */
    public int retries()
    {
        return retries;
    }

    /** @return number of tasks. */
    public int taskCount()
    {
        return taskNames.length;
    }

    /** @param task index. @return the task's name. */
    public String taskName(final int task)
    {
        return taskNames[task];
    }

    /** @param task index. @return the name of the UDF the task runs. */
    public String udf(final int task)
    {
        return udfs[task];
    }

    /** @param task index. @return indices of the tasks whose results it reads (do not modify). */
    public int[] inputs(final int task)
    {
        return inputs[task];
    }

    /** @param task index. @return the literal arguments folded in after the inputs (do not modify). */
    public long[] args(final int task)
    {
        return args[task];
    }

    /** @param task index. @return indices of the tasks that read its result (do not modify). */
    public int[] dependants(final int task)
    {
        return dependants[task];
    }

    /**
     * @param name of a task.
     * @return its index, or -1.
     */
    public int indexOf(final String name)
    {
        for (int i = 0; i < taskNames.length; i++)
        {
            if (taskNames[i].equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    private static int[][] dependantsOf(final int[][] inputs)
    {
        final int[] counts = new int[inputs.length];
        for (final int[] taskInputs : inputs)
        {
            for (final int input : taskInputs)
            {
                counts[input]++;
            }
        }
        final int[][] dependants = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++)
        {
            dependants[i] = new int[counts[i]];
            counts[i] = 0;
        }
        for (int task = 0; task < inputs.length; task++)
        {
            for (final int input : inputs[task])
            {
                dependants[input][counts[input]++] = task;
            }
        }
        return dependants;
    }

    /**
     * Collects tasks in any order; {@link #build()} checks the whole DAG.
     */
    public static final class Builder
    {
        private final String name;
        private int retries;
        private final List<String> taskNames = new ArrayList<>();
        private final List<String> udfs = new ArrayList<>();
        private final List<List<String>> inputNames = new ArrayList<>();
        private final List<long[]> args = new ArrayList<>();

        private Builder(final String name)
        {
            this.name = name;
        }

        /**
         * @param retries times a failed task is run again before it, and the DAG, fail; 0 to 100.
         * @return this.
         */
        public Builder retries(final int retries)
        {
            this.retries = retries;
            return this;
        }

        /**
         * Adds a task.
         *
         * @param taskName unique in the DAG.
         * @param udf      the UDF's registered name.
         * @param inputs   names of the tasks whose results it folds in first, in order.
         * @param args     literal int64 operands folded in after the inputs.
         * @return this.
         */
        public Builder task(final String taskName, final String udf, final List<String> inputs, final long... args)
        {
            taskNames.add(taskName);
            udfs.add(udf);
            inputNames.add(List.copyOf(inputs));
            this.args.add(args.clone());
            return this;
        }

        /**
         * @return the DAG.
         * @throws IllegalArgumentException naming a duplicate or bad name, an input no task produces, or a cycle.
         */
        public TaskDag build()
        {
            checkName(name, "DAG name");
            if (retries < 0 || retries > MAX_RETRIES)
            {
                throw new IllegalArgumentException("DAG '" + name + "': retries=" + retries + " outside [0, " +
                    MAX_RETRIES + "]");
            }
            final int count = taskNames.size();
            if (0 == count || count > MAX_TASKS)
            {
                throw new IllegalArgumentException("DAG '" + name + "' has " + count + " tasks; expected 1 to " +
                    MAX_TASKS);
            }
            final Map<String, Integer> indexByName = new HashMap<>();
            for (int i = 0; i < count; i++)
            {
                checkName(taskNames.get(i), "task name");
                checkName(udfs.get(i), "UDF name of task '" + taskNames.get(i) + "'");
                if (null != indexByName.put(taskNames.get(i), i))
                {
                    throw new IllegalArgumentException("DAG '" + name + "': task '" + taskNames.get(i) +
                        "' defined twice");
                }
            }
            final int[][] inputs = new int[count][];
            for (int i = 0; i < count; i++)
            {
                final List<String> names = inputNames.get(i);
                if (names.size() > MAX_INPUTS)
                {
                    throw new IllegalArgumentException("DAG '" + name + "': task '" + taskNames.get(i) + "' has " +
                        names.size() + " inputs; at most " + MAX_INPUTS);
                }
                inputs[i] = new int[names.size()];
                for (int j = 0; j < inputs[i].length; j++)
                {
                    final Integer input = indexByName.get(names.get(j));
                    if (null == input)
                    {
                        throw new IllegalArgumentException("DAG '" + name + "': task '" + taskNames.get(i) +
                            "' reads '" + names.get(j) + "', which no task of the DAG produces");
                    }
                    inputs[i][j] = input;
                }
            }
            checkAcyclic(inputs);
            return new TaskDag(name, retries, taskNames.toArray(new String[0]), udfs.toArray(new String[0]), inputs,
                args.toArray(new long[0][]));
        }

        private void checkAcyclic(final int[][] inputs)
        {
            // Depth-first over input edges; a task met again while still on the path closes a cycle.
            final byte[] mark = new byte[inputs.length];
            final int[] path = new int[inputs.length];
            final int[] nextInput = new int[inputs.length];
            for (int root = 0; root < inputs.length; root++)
            {
                if (0 != mark[root])
                {
                    continue;
                }
                int depth = 0;
                path[0] = root;
                mark[root] = 1;
                nextInput[0] = 0;
                while (depth >= 0)
                {
                    final int task = path[depth];
                    if (nextInput[depth] < inputs[task].length)
                    {
                        final int input = inputs[task][nextInput[depth]++];
                        if (1 == mark[input])
                        {
                            throw new IllegalArgumentException("DAG '" + name + "' has a cycle: " +
                                cycle(path, depth, input));
                        }
                        if (0 == mark[input])
                        {
                            mark[input] = 1;
                            path[++depth] = input;
                            nextInput[depth] = 0;
                        }
                    }
                    else
                    {
                        mark[task] = 2;
                        depth--;
                    }
                }
            }
        }

        private String cycle(final int[] path, final int depth, final int repeated)
        {
            // path[k] reads path[k + 1], and path[depth] reads the repeated task: data flows from the repeated task
            // to path[depth], then down the path back to the repeated task.
            int start = depth;
            while (path[start] != repeated)
            {
                start--;
            }
            final StringBuilder flow = new StringBuilder(taskNames.get(repeated));
            for (int k = depth; k >= start; k--)
            {
                flow.append(" -> ").append(taskNames.get(path[k]));
            }
            return flow.toString();
        }

        private void checkName(final String value, final String what)
        {
            if (null == value || value.isEmpty() || value.length() > MAX_NAME_LENGTH)
            {
                throw new IllegalArgumentException(what + " '" + value + "' must have 1 to " + MAX_NAME_LENGTH +
                    " characters");
            }
            for (int i = 0; i < value.length(); i++)
            {
                final char c = value.charAt(i);
                if (c <= ' ' || c > '~')
                {
                    throw new IllegalArgumentException(what + " '" + value +
                        "' may only hold printable ASCII without spaces");
                }
            }
        }
    }
}
