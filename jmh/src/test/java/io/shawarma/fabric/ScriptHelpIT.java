package io.shawarma.fabric;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command of {@code scripts/shawarma} answers {@code --help} with its usage on stdout and exit status 0, and
 * starts nothing (no directory under /dev/shm owned by it, no process left running). The commands are read from the
 * script itself, so a new one cannot be left out: every label of its command dispatch ({@code case "$command" in})
 * and every line of its usage's command list, with the variants the usage names ({@code worker --cluster},
 * {@code bench grid}, ...). Runs the script as a user does, on the modules this build compiled
 * ({@code SHAWARMA_NO_BUILD}: the script must not start a Maven build of its own inside this one). It lives in the
 * jmh module, the last one built, because the {@code bench} commands run jmh's classes.
 */
class ScriptHelpIT
{
    private static final long TIMEOUT_S = 60;
    private static final File ROOT = new File(System.getProperty("user.dir")).getParentFile();
    private static final File SCRIPT = new File(ROOT, "scripts/shawarma");
    private static final File SHM = CountersFile.newDirectory(0).getParentFile();
    // A dispatch label: four spaces in, then names separated by '|', then ')'.
    private static final Pattern LABEL = Pattern.compile("^    ([^ *#(][^ )]*)\\)");
    // A second word that names a variant of its command: an option or a bare word (no dot: not a file name).
    private static final Pattern VARIANT = Pattern.compile("(--)?[a-z][a-z-]*");

    static List<String> commands()
    {
        final Set<String> commands = new LinkedHashSet<>();
        for (final String label : dispatchLabels())
        {
            commands.addAll(Arrays.asList(label.split("\\|")));
        }
        final Set<String> listed = usageCommands();
        commands.addAll(listed);
        for (final String command : commands)
        {
            if (!command.contains(" ") && !"-h".equals(command))
            {
                assertTrue(listed.contains(command), "scripts/shawarma dispatches '" + command +
                    "' but its usage does not list it: " + listed);
            }
        }
        return new ArrayList<>(commands);
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpPrintsUsageOnStdoutExitsZeroAndStartsNothing(final String command) throws Exception
    {
        final List<String> line = new ArrayList<>();
        line.add(SCRIPT.getPath());
        line.addAll(Arrays.asList(command.split(" ")));
        line.add("--help");
        final Set<String> shmBefore = shmEntries();
        final ProcessBuilder builder = new ProcessBuilder(line).directory(ROOT)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SHAWARMA_NO_BUILD", "1");
        final Process process = builder.start();
        process.getOutputStream().close();
        final String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final boolean exited = process.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        if (!exited)
        {
            process.destroyForcibly();
        }

        final String shown = String.join(" ", line);
        assertTrue(exited, shown + " still runs after " + TIMEOUT_S + " s:\n" + stdout);
        assertEquals(0, process.exitValue(), shown + ":\n" + stdout);
        assertTrue(stdout.toLowerCase().contains("usage"), shown + " printed no usage on stdout:\n" + stdout);
        assertFalse(stdout.contains(" ready"), shown + " started something:\n" + stdout);
        for (final String name : shmEntries())
        {
            if (!shmBefore.contains(name))
            {
                assertFalse(CleanMain.ownerPid(new File(SHM, name)) == process.pid(),
                    shown + " left " + new File(SHM, name));
            }
        }
    }

    private static Set<String> shmEntries()
    {
        final String[] names = SHM.list();
        return null == names ? Set.of() : Set.of(names);
    }

    private static List<String> dispatchLabels()
    {
        final List<String> labels = new ArrayList<>();
        boolean inDispatch = false;
        for (final String line : scriptLines())
        {
            if (line.startsWith("case \"$command\" in"))
            {
                inDispatch = true;
            }
            else if (line.startsWith("esac"))
            {
                inDispatch = false;
            }
            else if (inDispatch)
            {
                final Matcher matcher = LABEL.matcher(line);
                if (matcher.find())
                {
                    labels.add(matcher.group(1));
                }
            }
        }
        assertFalse(labels.isEmpty(), "no command dispatch (case \"$command\" in ... esac) found in " + SCRIPT);
        return labels;
    }

    /**
     * @return the commands of the usage's list (lines two spaces in), each alias, and the variants it names.
     */
    private static Set<String> usageCommands()
    {
        final Set<String> commands = new LinkedHashSet<>();
        boolean inList = false;
        for (final String line : run(SCRIPT.getPath(), "help").split("\n"))
        {
            if (line.startsWith("commands:"))
            {
                inList = true;
            }
            else if (inList && line.isBlank())
            {
                break;
            }
            else if (inList && line.startsWith("  ") && !line.startsWith("   "))
            {
                final String[] words = line.trim().split("\\s+");
                if (words[0].endsWith(","))
                {
                    // "help, --help": aliases.
                    commands.add(words[0].substring(0, words[0].length() - 1));
                    commands.add(words[1]);
                    continue;
                }
                commands.addAll(Arrays.asList(words[0].split("\\|")));
                if (words.length > 1 && VARIANT.matcher(words[1]).matches() &&
                    (words.length == 2 || words[2].startsWith("[") || words[2].startsWith("(")))
                {
                    commands.add(words[0] + " " + words[1]);
                }
            }
        }
        assertFalse(commands.isEmpty(), "no command list in the usage of " + SCRIPT);
        return commands;
    }

    private static List<String> scriptLines()
    {
        try
        {
            return Files.readAllLines(SCRIPT.toPath());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String run(final String... command)
    {
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("SHAWARMA_NO_BUILD", "1");
            final Process process = builder.start();
            final String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(TIMEOUT_S, TimeUnit.SECONDS));
            return stdout;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
