package io.shawarma.fabric;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Property names and defaults. A property given with {@code -D} wins over one in a properties file, which wins over the
 * default here; code overrides all three by setting the Context. Names follow
 * <code>shawarma.&lt;area&gt;.&lt;name&gt;[.&lt;unit&gt;]</code>, and every duration is in milliseconds ({@code .ms});
 * a Context keeps nanoseconds. Each module declares its names in its own Configuration class and lists them as a
 * {@link PropertySet}; {@link #load(Path)} refuses any other {@code shawarma.*} name.
 */
public final class Configuration
{
    /** Worker ids are in [0, MAX_WORKER_ID); client ids are at or above it. */
    public static final int MAX_WORKER_ID = 1_000_000;

    /** This worker's id. Required for a worker. */
    public static final String WORKER_ID_PROP = "shawarma.worker.id";

    /** The fabric's workers: {@code id@channel,...}. Default: this worker alone on {@link #CHANNEL_PROP}. */
    public static final String FABRIC_PROP = "shawarma.fabric.members";

    /** The channel this worker (or client) receives on. Workers default to their entry in the fabric list. */
    public static final String CHANNEL_PROP = "shawarma.fabric.channel";
    /** Default channel of a client: loopback UDP on a port the OS picks. */
    public static final String CLIENT_CHANNEL_DEFAULT = "aeron:udp?endpoint=127.0.0.1:0";

    /** A participant with id N receives on stream {@code base + N}, so many can share one IPC channel. */
    public static final String STREAM_BASE_PROP = "shawarma.stream.base";
    public static final int STREAM_BASE_DEFAULT = 1000;

    /** {@code embedded} (own media driver under /dev/shm, removed on close) or {@code external}. */
    public static final String DRIVER_PROP = "shawarma.driver.mode";
    public static final String DRIVER_DEFAULT = "embedded";

    /** Directory of the external media driver, when {@link #DRIVER_PROP} is {@code external}. */
    public static final String AERON_DIR_PROP = "aeron.dir";

    /** Idle strategy of the embedded driver's thread. */
    public static final String DRIVER_IDLE_PROP = "shawarma.driver.idle";

    /** Idle strategy of the worker's or client's thread: busy-spin, noop, yielding, backoff or sleeping. */
    public static final String IDLE_PROP = "shawarma.idle.strategy";
    public static final String IDLE_DEFAULT = "backoff";

    /** CPU to pin the worker's agent thread to; -1 for none. */
    public static final String CPU_PROP = "shawarma.worker.cpu";

    /** Term buffer length of the embedded driver's publications (power of two; max message is 1/8 of it). */
    public static final String TERM_LENGTH_PROP = "shawarma.term.length";
    public static final int TERM_LENGTH_DEFAULT = 4 * 1024 * 1024;

    /** Largest args, result or vertex value carried in one message. */
    public static final String MAX_PAYLOAD_BYTES_PROP = "shawarma.max.payload.bytes";
    public static final int MAX_PAYLOAD_BYTES_DEFAULT = 64 * 1024;

    /**
     * The vertex store: {@code table} (default), the single-writer vertex table
     * ({@link io.shawarma.fabric.store.VertexTable}: values read in place, each update published whole, a file that
     * survives kill -9 of the worker), or {@code chronicle}, a Chronicle Map other processes can open
     * ({@link io.shawarma.fabric.store.ChronicleVertexStore}). The file formats differ: do not switch kinds over an
     * existing data file (the table refuses a Chronicle file).
     */
    public static final String STORE_PROP = "shawarma.store";
    public static final String STORE_DEFAULT = "table";

    /** How many vertices the local store is sized for. */
    public static final String STORE_ENTRIES_PROP = "shawarma.store.entries";
    public static final long STORE_ENTRIES_DEFAULT = 100_000;

    /** Average vertex value size the store is sized for. */
    public static final String STORE_VALUE_AVERAGE_BYTES_PROP = "shawarma.store.value.average.bytes";
    public static final int STORE_VALUE_AVERAGE_BYTES_DEFAULT = 64;

    /** Largest vertex value. */
    public static final String STORE_VALUE_MAX_BYTES_PROP = "shawarma.store.value.max.bytes";
    public static final int STORE_VALUE_MAX_BYTES_DEFAULT = 64 * 1024;

    /** Directory for a file-backed store (kept across restarts); empty for an in-memory store. */
    public static final String DATA_DIR_PROP = "shawarma.data.dir";

    /**
     * When the file-backed table forces its writes to the device: {@code none} (page cache: survives kill -9, not a
     * power loss), {@code interval} (every {@link #STORE_SYNC_INTERVAL_MS_PROP}, from the duty cycle) or
     * {@code always} (before each put or remove returns: survives a power loss; slow).
     */
    public static final String STORE_SYNC_PROP = "shawarma.store.sync";
    public static final String STORE_SYNC_DEFAULT = "none";

    /** Interval between forces of the store's file with {@code shawarma.store.sync=interval}. */
    public static final String STORE_SYNC_INTERVAL_MS_PROP = "shawarma.store.sync.interval.ms";
    public static final long STORE_SYNC_INTERVAL_MS_DEFAULT = 100;

    /**
     * Open a damaged store file (truncated, corrupt) with the records it proves whole, dropping and counting the rest,
     * instead of refusing it (the worker's {@code --accept-loss}).
     */
    public static final String STORE_ACCEPT_LOSS_PROP = "shawarma.store.accept.loss";

    /**
     * {@code true} shows the libraries' INFO lines (Chronicle) and Aeron's directory warnings at the console; off by
     * default.
     */
    public static final String LOG_VERBOSE_PROP = "shawarma.log.verbose";
    private static final String SLF4J_LEVEL_PROP = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String AERON_DIR_WARN_PROP = "aeron.dir.warn.if.exists";

    /** Directory for the worker's counters file; default a new directory under /dev/shm, removed on close. */
    public static final String WORKER_DIR_PROP = "shawarma.worker.dir";

    /**
     * How long a message is retried under back pressure: a client retries in place, then its call is BACK_PRESSURED;
     * a worker holds the message and retries it on later duty cycles (never idling), then drops it and counts it.
     */
    public static final String OFFER_TIMEOUT_MS_PROP = "shawarma.offer.timeout.ms";
    public static final long OFFER_TIMEOUT_MS_DEFAULT = 5;

    /** How long a forwarded call, or a client's call, waits for its answer before TIMEOUT. */
    public static final String CALL_TIMEOUT_MS_PROP = "shawarma.call.timeout.ms";
    public static final long CALL_TIMEOUT_MS_DEFAULT = 2000;

    /** Most calls one worker forwards, or one client sends, without an answer yet. */
    public static final String MAX_PENDING_CALLS_PROP = "shawarma.max.pending.calls";
    public static final int MAX_PENDING_CALLS_DEFAULT = 4096;

    /** Interval between heartbeats to every peer. */
    public static final String PEER_HEARTBEAT_INTERVAL_MS_PROP = "shawarma.heartbeat.interval.ms";
    public static final long PEER_HEARTBEAT_INTERVAL_MS_DEFAULT = 1000;

    /**
     * File holding the fabric's shared secret (owner-only permissions, at least 16 bytes). When set, every peer
     * proves it in the Hello handshake and frames from unauthenticated sessions are dropped. Default: none (no
     * authentication; see docs/security.md).
     */
    public static final String SECRET_FILE_PROP = "shawarma.secret.file";

    /** Where a call on another worker's vertex runs: model (the cost model), forward (always) or borrow (always). */
    public static final String SCHEDULER_POLICY_PROP = "shawarma.scheduler.policy";
    public static final String SCHEDULER_POLICY_DEFAULT = "forward";

    /** How long a borrowed vertex's lease lasts. */
    public static final String BORROW_LEASE_MS_PROP = "shawarma.borrow.lease.ms";
    public static final long BORROW_LEASE_MS_DEFAULT = 20;

    /** Most vertices a worker holds borrowed at once (each slot reserves the largest value's bytes). */
    public static final String BORROW_SLOTS_PROP = "shawarma.borrow.slots";
    public static final int BORROW_SLOTS_DEFAULT = 16;

    /** A client's id; default derived from the process id, at or above {@link #MAX_WORKER_ID}. */
    public static final String CLIENT_ID_PROP = "shawarma.client.id";

    /** How long a client's connect waits for every worker to answer. */
    public static final String CONNECT_TIMEOUT_MS_PROP = "shawarma.connect.timeout.ms";
    public static final long CONNECT_TIMEOUT_MS_DEFAULT = 10_000;

    private Configuration()
    {
    }

    /**
     * The one way a launcher reads its configuration: copies the properties file, if any, into the system
     * properties (a {@code -D} property wins over the file), then refuses any {@code shawarma.*} property that no
     * module on the classpath reads ({@link KnownProperties}).
     *
     * @param fileOrNull properties file to read, or null for the system properties alone.
     * @throws IllegalArgumentException in one line, for an unknown or renamed property or a malformed file.
     * @throws UncheckedIOException     when the file cannot be read.
     */
    public static void load(final Path fileOrNull)
    {
        if (null != fileOrNull)
        {
            loadPropertiesFile(fileOrNull);
        }
        final ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        KnownProperties.load(null != classLoader ? classLoader : Configuration.class.getClassLoader())
            .check(System.getProperties().stringPropertyNames());
        consoleLogging();
    }

    /**
     * Quiet console by default: the libraries' INFO lines (Chronicle, through SLF4J: see simplelogger.properties)
     * and Aeron's warning that a driver directory exists (it is reused) are off; {@link #LOG_VERBOSE_PROP} turns them
     * on. A library's own property, when set, wins. Call before the libraries start.
     */
    static void consoleLogging()
    {
        final boolean verbose = Boolean.getBoolean(LOG_VERBOSE_PROP);
        if (verbose && null == System.getProperty(SLF4J_LEVEL_PROP))
        {
            System.setProperty(SLF4J_LEVEL_PROP, "info");
        }
        if (!verbose && null == System.getProperty(AERON_DIR_WARN_PROP))
        {
            System.setProperty(AERON_DIR_WARN_PROP, "false");
        }
    }

    /**
     * {@link #load(Path)} for a launcher's {@code main}: a bad configuration is a usage error, reported in one line
     * (no stack trace) as {@code shawarma COMMAND: reason}, with exit status 2.
     *
     * @param command    names the launcher in the message, e.g. {@code worker}.
     * @param fileOrNull properties file to read, or null for the system properties alone.
     */
    public static void loadOrExit(final String command, final Path fileOrNull)
    {
        try
        {
            load(fileOrNull);
        }
        catch (final IllegalArgumentException | UncheckedIOException ex)
        {
            System.err.println("shawarma " + command + ": " + ex.getMessage());
            System.exit(2);
        }
    }

    /**
     * Starts a launcher's component, or exits with one line saying why it could not start (no stack trace):
     * status 2 for a bad setting ({@link IllegalArgumentException}), 1 for what it found refused, such as a corrupt
     * or locked data file ({@link IllegalStateException}, {@link UncheckedIOException}).
     *
     * @param command names the launcher in the message, e.g. {@code worker}.
     * @param start   starts the component.
     * @param <T>     the component.
     * @return the started component.
     */
    public static <T> T startOrExit(final String command, final Supplier<T> start)
    {
        try
        {
            return start.get();
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("shawarma " + command + ": " + ex.getMessage());
            System.exit(2);
        }
        catch (final IllegalStateException | UncheckedIOException ex)
        {
            System.err.println("shawarma " + command + ": " + ex.getMessage());
            System.exit(1);
        }
        throw new IllegalStateException("unreachable: System.exit returned");
    }

    /**
     * @return this JVM's {@code shawarma.*} properties, however they were set (command line, file, option), for a
     *     child JVM.
     */
    public static Map<String, String> shawarmaProperties()
    {
        final Map<String, String> properties = new TreeMap<>();
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith(KnownProperties.PREFIX))
            {
                properties.put(name, System.getProperty(name));
            }
        }
        return properties;
    }

    /**
     * Copies a properties file into the system properties, keeping any already set (with {@code -D}).
     *
     * @param file to read.
     * @throws UncheckedIOException     when the file cannot be read.
     * @throws IllegalArgumentException when it is not a properties file (e.g. a malformed unicode escape).
     */
    public static void loadPropertiesFile(final Path file)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            loadProperties(in, file.toString());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read properties file " + file, ex);
        }
    }

    /**
     * Copies properties in {@link Properties#load(InputStream)} form into the system properties, keeping any
     * already set.
     *
     * @param in     the properties; read to the end, not closed.
     * @param source names the properties in error messages.
     * @throws IOException              when the stream cannot be read.
     * @throws IllegalArgumentException when it is not in properties form.
     */
    public static void loadProperties(final InputStream in, final String source) throws IOException
    {
        final Properties properties = new Properties();
        try
        {
            properties.load(in);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(source + ": " + ex.getMessage(), ex);
        }
        for (final String name : properties.stringPropertyNames())
        {
            if (name.isEmpty())
            {
                throw new IllegalArgumentException(source + ": a line has a value but no property name");
            }
            if (null == System.getProperty(name))
            {
                System.setProperty(name, properties.getProperty(name).trim());
            }
        }
    }

    /** @return the trimmed system property, or the default when unset or blank. */
    public static String string(final String name, final String defaultValue)
    {
        final String value = System.getProperty(name);
        return null == value || value.isBlank() ? defaultValue : value.trim();
    }

    /** @return the int system property, or the default; fails naming the property when not a number. */
    public static int integer(final String name, final int defaultValue)
    {
        return (int)number(name, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** @return the long system property, or the default; fails naming the property when not a number. */
    public static long number(final String name, final long defaultValue)
    {
        return number(name, defaultValue, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * @return the duration system property, given in milliseconds, in nanoseconds; or the default in milliseconds,
     *     in nanoseconds. Fails naming the property when not a number.
     */
    public static long durationNs(final String name, final long defaultMs)
    {
        return TimeUnit.MILLISECONDS.toNanos(number(name, defaultMs));
    }

    private static long number(final String name, final long defaultValue, final long min, final long max)
    {
        final String value = System.getProperty(name);
        if (null == value || value.isBlank())
        {
            return defaultValue;
        }
        try
        {
            final long parsed = Long.parseLong(value.trim().replace("_", ""));
            if (parsed < min || parsed > max)
            {
                throw new IllegalArgumentException(name + "=" + value + " is out of range");
            }
            return parsed;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + "=" + value + " is not a number");
        }
    }

    /**
     * Fails with a message naming the property when a condition does not hold.
     */
    public static void check(final boolean condition, final String name, final Object value, final String expected)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(name + "=" + value + ": " + expected);
        }
    }
}
