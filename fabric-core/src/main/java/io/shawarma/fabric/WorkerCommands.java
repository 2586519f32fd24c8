package io.shawarma.fabric;

import io.shawarma.fabric.store.UdfRegistry;
import io.shawarma.udf.Status;
import io.shawarma.udf.Udf;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The worker's {@link WorkerPlugin}s and the {@link WorkerCommand}s they offer, by wire id: started with the worker,
 * run by {@link CallDispatch} before a call is scheduled (a command has no vertex), closed after the agent stopped.
 * Commands run on the agent thread.
 */
final class WorkerCommands implements AutoCloseable
{
    private final Int2ObjectHashMap<WorkerCommand> byId = new Int2ObjectHashMap<>();
    private final List<WorkerPlugin> plugins = new ArrayList<>();
    private final UnsafeBuffer args = new UnsafeBuffer(0, 0);
    private final CommandAnswer answer;
    private final ErrorHandler errorHandler;

    /**
     * Starts every plug-in the class loader finds.
     *
     * @throws IllegalStateException when a command's name clashes with a UDF's or another command's; the started
     *                               plug-ins are closed.
     */
    WorkerCommands(final Worker.Context context, final UdfRegistry udfs, final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.answer = new CommandAnswer(new UnsafeBuffer(new byte[context.maxPayloadBytes()]));
        final PluginHost host = new Host(context, udfs, errorHandler);
        try
        {
            for (final WorkerPlugin plugin : ServiceLoader.load(WorkerPlugin.class, context.udfClassLoader()))
            {
                plugins.add(plugin);
                for (final WorkerCommand command : plugin.start(host))
                {
                    add(command, udfs);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private void add(final WorkerCommand command, final UdfRegistry udfs)
    {
        final int id = Udf.idOf(command.name());
        final WorkerCommand other = byId.get(id);
        if (null != udfs.get(id) || null != other)
        {
            throw new IllegalStateException("command '" + command.name() + "' clashes with " +
                (null != other ? "command '" + other.name() + "'" : "UDF '" + udfs.get(id).name() + "'") +
                ": same id " + id);
        }
        byId.put(id, command);
    }

    /**
     * @param udfId the id a call names.
     * @return true when it names a command.
     */
    boolean isCommand(final int udfId)
    {
        return byId.containsKey(udfId);
    }

    /**
     * Runs a command; its answer is in {@link #answer()}.
     *
     * @return the status to answer with.
     */
    Status execute(final int udfId, final DirectBuffer buffer, final int offset, final int length)
    {
        final WorkerCommand command = byId.get(udfId);
        args.wrap(buffer, offset, length);
        answer.length(0);
        try
        {
            final Status status = command.execute(args, answer);
            return null == status ? Status.UDF_FAILED : status;
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
            answer.text("command '" + command.name() + "' failed: " + ex);
            return Status.UDF_FAILED;
        }
    }

    /**
     * @return the last command's answer.
     */
    CommandAnswer answer()
    {
        return answer;
    }

    public void close()
    {
        CloseHelper.closeAll(plugins);
    }

    /**
     * The worker's side, as the plug-ins see it.
     */
    private static final class Host implements PluginHost
    {
        private final Worker.Context context;
        private final UdfRegistry udfs;
        private final ErrorHandler errorHandler;

        Host(final Worker.Context context, final UdfRegistry udfs, final ErrorHandler errorHandler)
        {
            this.context = context;
            this.udfs = udfs;
            this.errorHandler = errorHandler;
        }

        public int workerId()
        {
            return context.workerId();
        }

        public String dataDir()
        {
            return context.dataDir();
        }

        public UdfRegistry udfs()
        {
            return udfs;
        }

        public int maxValueBytes()
        {
            return context.storeValueMaxBytes();
        }

        public int maxPayloadBytes()
        {
            return context.maxPayloadBytes();
        }

        public void onError(final Throwable error)
        {
            errorHandler.onError(error);
        }
    }
}
