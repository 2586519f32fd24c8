package io.shawarma.messaging;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.util.UUID;

/**
 * An Aeron client, with its own embedded media driver (a unique directory under /dev/shm, deleted on close) or
 * attached to an external driver already running on the machine.
 */
public final class Transport implements AutoCloseable
{
    private final MediaDriver driver;
    private final Aeron aeron;

    private Transport(final MediaDriver driver, final Aeron aeron)
    {
        this.driver = driver;
        this.aeron = aeron;
    }

    /**
     * Starts an embedded media driver in SHARED threading mode (one thread: fewest cores used) and connects to it.
     *
     * @param name         a short label that goes into the driver's directory name.
     * @param idleStrategy name of the driver thread's idle strategy, see {@link IdleStrategies}.
     * @param termLength   term buffer length for publications, a power of two.
     * @param errorHandler for errors on the driver and client threads.
     * @return the transport.
     */
    public static Transport embedded(
        final String name, final String idleStrategy, final int termLength, final ErrorHandler errorHandler)
    {
        return embedded(name, idleStrategy, termLength, errorHandler, false);
    }

    /**
     * {@link #embedded(String, String, int, ErrorHandler)} with a client that optionally pre-touches the log buffers
     * it maps, as {@link #external(String, ErrorHandler, boolean)} explains: for a job's launcher, which is one of
     * the job's workers.
     *
     * @param name         a short label that goes into the driver's directory name.
     * @param idleStrategy name of the driver thread's idle strategy, see {@link IdleStrategies}.
     * @param termLength   term buffer length for publications, a power of two.
     * @param errorHandler for errors on the driver and client threads.
     * @param preTouch     whether the client pre-touches mapped log buffers.
     * @return the transport.
     */
    public static Transport embedded(
        final String name, final String idleStrategy, final int termLength, final ErrorHandler errorHandler,
        final boolean preTouch)
    {
        final String dir = CommonContext.getAeronDirectoryName() + "-shawarma-" + name + "-" + UUID.randomUUID();
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(IdleStrategies.of(idleStrategy))
            .publicationTermBufferLength(termLength)
            .ipcTermBufferLength(termLength)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errorHandler);
        final MediaDriver driver = MediaDriver.launch(driverContext);
        try
        {
            return new Transport(driver, connect(driver.aeronDirectoryName(), errorHandler, preTouch));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * Connects to a media driver that is already running (Aeron's normal deployment: one per machine).
     *
     * @param aeronDirectoryName of that driver.
     * @param errorHandler       for errors on the client thread.
     * @return the transport.
     */
    public static Transport external(final String aeronDirectoryName, final ErrorHandler errorHandler)
    {
        return external(aeronDirectoryName, errorHandler, false);
    }

    /**
     * Connects to a media driver that is already running, optionally touching every page of a log buffer when it
     * is mapped: for jobs that make their publications once at setup and then stream megabytes per step, where a
     * fresh page of a sparse term would otherwise cost a page fault on the hot path (measured on the graph layer:
     * 10-20 ms of a 3.6 MB superstep). Not for workers that map a publication per new client while serving.
     *
     * @param aeronDirectoryName of that driver.
     * @param errorHandler       for errors on the client thread.
     * @param preTouch           whether to pre-touch mapped log buffers.
     * @return the transport.
     */
    public static Transport external(
        final String aeronDirectoryName, final ErrorHandler errorHandler, final boolean preTouch)
    {
        return new Transport(null, connect(aeronDirectoryName, errorHandler, preTouch));
    }

    private static Aeron connect(
        final String aeronDirectoryName, final ErrorHandler errorHandler, final boolean preTouch)
    {
        return Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDirectoryName)
            .preTouchMappedMemory(preTouch)
            .errorHandler(errorHandler)
            .subscriberErrorHandler(errorHandler));
    }

    /**
     * @return the Aeron client.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return the media driver's directory.
     */
    public String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    /**
     * @return true when this transport runs its own media driver.
     */
    public boolean isEmbedded()
    {
        return null != driver;
    }

    /**
     * Closes the client and, if embedded, the driver and its directory.
     */
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }
}
