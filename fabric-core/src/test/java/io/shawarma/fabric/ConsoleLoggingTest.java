package io.shawarma.fabric;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The console is quiet by default (Aeron's directory warning off; SLF4J's level from simplelogger.properties) and
 * {@code shawarma.log.verbose=true} turns the libraries' lines on; a library's own property wins.
 */
@ExtendWith(SystemPropertiesRestored.class)
class ConsoleLoggingTest
{
    private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String DIR_WARN = "aeron.dir.warn.if.exists";

    @Test
    void shouldBeQuietByDefault()
    {
        System.clearProperty(LEVEL);
        System.clearProperty(DIR_WARN);

        Configuration.consoleLogging();

        assertNull(System.getProperty(LEVEL));
        assertEquals("false", System.getProperty(DIR_WARN));
    }

    @Test
    void shouldShowInfoLinesWhenVerbose()
    {
        System.clearProperty(LEVEL);
        System.clearProperty(DIR_WARN);
        System.setProperty(Configuration.LOG_VERBOSE_PROP, "true");

        Configuration.consoleLogging();

        assertEquals("info", System.getProperty(LEVEL));
        assertNull(System.getProperty(DIR_WARN));
    }

    @Test
    void shouldLeaveALibrarysOwnSettingAlone()
    {
        System.setProperty(LEVEL, "debug");
        System.setProperty(Configuration.LOG_VERBOSE_PROP, "true");

        Configuration.consoleLogging();

        assertEquals("debug", System.getProperty(LEVEL));
    }
}
