package io.shawarma.jmh;

import org.openjdk.jmh.runner.Defaults;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.ProfilersFailedException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Entry point of {@code benchmarks.jar}: JMH's command line, with the JVM flags every Shawarma JVM needs prepended to
 * the forks' arguments, so that {@code java -jar jmh/target/benchmarks.jar -prof gc} needs no flags of its own.
 * <p>
 * The flags are the parent pom's {@code shawarma.jvm.flags}, filtered into the {@value #FLAGS_RESOURCE} resource at
 * build time, plus {@code user.home} and {@code jna.tmpdir} under {@code java.io.tmpdir/shawarma-jmh} so that
 * Chronicle and JNA write nothing to the real home directory, and Chronicle's logging quieted to warnings. Flags
 * given with {@code -jvmArgsPrepend} follow them, so they can override any of these.
 * Help, list and the other informational options behave as with {@code org.openjdk.jmh.Main}.
 */
public final class BenchmarkMain
{
    /** The filtered resource holding the JVM flags, whitespace separated. */
    static final String FLAGS_RESOURCE = "jvm.flags";

    /** Directory under {@code java.io.tmpdir} for the forks' {@code user.home} and {@code jna.tmpdir}. */
    static final String SCRATCH_DIR = "shawarma-jmh";

    private BenchmarkMain()
    {
    }

    /**
     * @param args JMH's command line options ({@code -h} lists them).
     * @throws IOException when the help text cannot be printed.
     */
    public static void main(final String[] args) throws IOException
    {
        try
        {
            final CommandLineOptions cmd = new CommandLineOptions(args);
            if (cmd.shouldHelp())
            {
                cmd.showHelp();
                return;
            }
            if (cmd.shouldListProfilers())
            {
                cmd.listProfilers();
                return;
            }
            if (cmd.shouldListResultFormats())
            {
                cmd.listResultFormats();
                return;
            }

            final Options options = new OptionsBuilder()
                .parent(cmd)
                .jvmArgsPrepend(forkJvmArgs(cmd).toArray(new String[0]))
                .build();
            final Runner runner = new Runner(options);
            if (cmd.shouldList())
            {
                runner.list();
                return;
            }
            if (cmd.shouldListWithParams())
            {
                runner.listWithParams(cmd);
                return;
            }

            run(runner, cmd);
        }
        catch (final CommandLineOptionException ex)
        {
            System.err.println("Error parsing command line:");
            System.err.println(" " + ex.getMessage());
            System.exit(1);
        }
    }

    /**
     * @param cmd the parsed command line.
     * @return the flags forks start with: Shawarma's, the scratch directories, the logging level, then the user's
     * -jvmArgsPrepend.
     */
    static List<String> forkJvmArgs(final CommandLineOptions cmd)
    {
        final Path scratch = Paths.get(System.getProperty("java.io.tmpdir"), SCRATCH_DIR).toAbsolutePath();
        final Path home = scratch.resolve("home");
        final Path jna = scratch.resolve("jna");
        try
        {
            Files.createDirectories(home);
            Files.createDirectories(jna);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the forks' scratch directory " + scratch, ex);
        }

        final List<String> jvmArgs = new ArrayList<>(shawarmaJvmFlags());
        jvmArgs.add("-Duser.home=" + home);
        jvmArgs.add("-Djna.tmpdir=" + jna);
        // Chronicle's INFO lines (on stderr via slf4j-simple) would interleave with JMH's per-iteration output.
        jvmArgs.add("-Dorg.slf4j.simpleLogger.log.net.openhft=warn");
        // An OptionsBuilder's own jvmArgsPrepend replaces its parent's, so the user's are carried over here.
        jvmArgs.addAll(cmd.getJvmArgsPrepend().orElse(Collections.<String>emptyList()));
        return jvmArgs;
    }

    /**
     * @return the parent pom's {@code shawarma.jvm.flags}, as filtered into {@value #FLAGS_RESOURCE}.
     */
    static List<String> shawarmaJvmFlags()
    {
        final String text;
        try (InputStream in = BenchmarkMain.class.getResourceAsStream(FLAGS_RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException(
                    "no resource io/shawarma/jmh/" + FLAGS_RESOURCE + ": rebuild the jmh module");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read io/shawarma/jmh/" + FLAGS_RESOURCE, ex);
        }

        if (text.contains("${"))
        {
            throw new IllegalStateException(
                "io/shawarma/jmh/" + FLAGS_RESOURCE + " was not filtered (" + text + "): build with mvn");
        }
        final List<String> flags = new ArrayList<>();
        for (final String flag : text.split("\\s+"))
        {
            if (!flag.isEmpty())
            {
                flags.add(flag);
            }
        }
        return flags;
    }

    private static void run(final Runner runner, final CommandLineOptions cmd)
    {
        try
        {
            runner.run();
        }
        catch (final NoBenchmarksException ex)
        {
            System.err.println("No matching benchmarks. Miss-spelled regexp?");
            if (VerboseMode.EXTRA != cmd.verbosity().orElse(Defaults.VERBOSITY))
            {
                System.err.println("Use " + VerboseMode.EXTRA + " verbose mode to debug the pattern matching.");
            }
            else
            {
                runner.list();
            }
            System.exit(1);
        }
        catch (final ProfilersFailedException ex)
        {
            for (Throwable cause = ex; null != cause; cause = cause.getCause())
            {
                System.err.println(cause.getMessage());
                for (final Throwable suppressed : cause.getSuppressed())
                {
                    System.err.println(suppressed.getMessage());
                }
            }
            System.exit(1);
        }
        catch (final RunnerException ex)
        {
            System.err.print("ERROR: ");
            ex.printStackTrace(System.err);
            System.exit(1);
        }
    }
}
