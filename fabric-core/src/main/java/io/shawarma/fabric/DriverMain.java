package io.shawarma.fabric;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;

/**
 * {@code scripts/shawarma driver [file.properties]} runs an external Aeron media driver until SIGINT or SIGTERM,
 * configured by {@code aeron.*} properties as Aeron's own {@code MediaDriver} is. Unlike it, it never takes the
 * directory of a live driver: when the directory's CnC file shows a driver whose heartbeat is younger than
 * {@code aeron.driver.timeout}, it prints one line and exits 1, leaving that driver and the workers attached to it
 * alone. A directory left by a driver that stopped or died is removed and made anew.
 */
public final class DriverMain
{
    private DriverMain()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0])))
        {
            System.out.println("usage: shawarma driver [file.properties ...] [-Daeron.dir=DIR -Daeron.name=value ...]");
            System.exit(0);
        }
        SystemUtil.loadPropertiesFiles(args);
        final MediaDriver.Context context = new MediaDriver.Context();
        final String refusal = liveDriver(new File(context.aeronDirectoryName()), context.driverTimeoutMs());
        if (null != refusal)
        {
            System.err.println("shawarma driver: " + refusal);
            System.exit(1);
        }
        // Checked above: what is left is a dead driver's directory, or none.
        context.dirDeleteOnStart(true);

        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            try (MediaDriver driver = MediaDriver.launch(context))
            {
                System.out.println("shawarma driver ready on " + driver.aeronDirectoryName() + " (" +
                    context.threadingMode() + ")");
                System.out.flush();
                barrier.await();
            }
            System.out.println("shawarma driver stopped");
            System.out.flush();
        }
    }

    /**
     * Whether a live media driver holds a directory, by Aeron's own test: its CnC file's to-driver heartbeat is
     * younger than the driver timeout.
     *
     * @param dir       the driver directory.
     * @param timeoutMs the driver timeout ({@code aeron.driver.timeout}).
     * @return null when no live driver holds it (no CnC file, or a stale heartbeat), else one line saying which
     * driver holds it and what to do.
     */
    static String liveDriver(final File dir, final long timeoutMs)
    {
        final File cncFile = new File(dir, CncFileDescriptor.CNC_FILE);
        if (!cncFile.isFile() || cncFile.length() <= CncFileDescriptor.END_OF_METADATA_OFFSET)
        {
            return null;
        }
        final MappedByteBuffer cnc = IoUtil.mapExistingFile(cncFile, "CnC file");
        try
        {
            if (!CommonContext.isDriverActive(timeoutMs, DriverMain::ignore, cnc))
            {
                return null;
            }
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
            final long pid = CncFileDescriptor.pid(metaData);
            final long heartbeatAgeMs = System.currentTimeMillis() - new ManyToOneRingBuffer(
                CncFileDescriptor.createToDriverBuffer(cnc, metaData)).consumerHeartbeatTime();
            final boolean running = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return "a live media driver (pid " + pid + (running ? "" : ", not running here") + ", heartbeat " +
                heartbeatAgeMs + " ms ago) holds " + dir + ": stop it first, or give this driver another directory " +
                "with -Daeron.dir=...; a killed driver's directory is free once its heartbeat is " + timeoutMs +
                " ms old (aeron.driver.timeout)";
        }
        catch (final DriverTimeoutException ex)
        {
            // A CnC file never initialised in the whole timeout: a driver that died while starting.
            return null;
        }
        finally
        {
            BufferUtil.free(cnc);
        }
    }

    private static void ignore(final String message)
    {
    }
}
