package io.shawarma.fabric.grid;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TaskDagTest
{
    private static final String SUM = "{\"name\":\"sum\",\"retries\":2,\"tasks\":[" +
        "{\"name\":\"a\",\"udf\":\"add\",\"args\":[5]}," +
        "{\"name\":\"b\",\"udf\":\"add\",\"args\":[7, -2]}," +
        "{\"name\":\"c\",\"udf\":\"add\",\"inputs\":[\"a\",\"b\"]}]}";

    @Test
    void shouldParseTasksInputsArgsAndDependants()
    {
        final TaskDag dag = DagJson.parse(SUM);

        assertEquals("sum", dag.name());
        assertEquals(2, dag.retries());
        assertEquals(3, dag.taskCount());
        assertArrayEquals(new long[]{ 7, -2 }, dag.args(1));
        assertArrayEquals(new int[]{ 0, 1 }, dag.inputs(dag.indexOf("c")));
        assertArrayEquals(new int[]{ 2 }, dag.dependants(0));
        assertArrayEquals(new int[0], dag.dependants(2));
    }

    @Test
    void shouldRoundTripThroughJson()
    {
        final TaskDag dag = TaskDag.builder("q\"uote").retries(1)
            .task("x", "max", List.of(), 3, 9)
            .task("y", "add", List.of("x", "x"))
            .build();

        final TaskDag again = DagJson.parse(DagJson.write(dag));

        assertEquals(DagJson.write(dag), DagJson.write(again));
        assertEquals("q\"uote", again.name());
        assertArrayEquals(new int[]{ 0, 0 }, again.inputs(1));
    }

    @Test
    void shouldRefuseCycleNamingItsPath()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> TaskDag.builder("loop")
            .task("a", "add", List.of("c"))
            .task("b", "add", List.of("a"))
            .task("c", "add", List.of("b"))
            .task("d", "add", List.of())
            .build());

        assertTrue(ex.getMessage().contains("cycle"), ex.getMessage());
        assertTrue(ex.getMessage().contains("a -> b -> c -> a") || ex.getMessage().contains("c -> a -> b -> c") ||
            ex.getMessage().contains("b -> c -> a -> b"), ex.getMessage());
    }

    @Test
    void shouldRefuseSelfLoop()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> TaskDag.builder("self").task("a", "add", List.of("a")).build());

        assertTrue(ex.getMessage().contains("a -> a"), ex.getMessage());
    }

    @Test
    void shouldRefuseMissingInputAndDuplicateTask()
    {
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> TaskDag.builder("m").task("a", "add", List.of("ghost")).build());
        assertTrue(missing.getMessage().contains("'ghost', which no task of the DAG produces"), missing.getMessage());

        final IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
            () -> TaskDag.builder("d").task("a", "add", List.of()).task("a", "add", List.of()).build());
        assertTrue(twice.getMessage().contains("defined twice"), twice.getMessage());
    }

    @Test
    void shouldRefuseMalformedJsonWithTheReason()
    {
        assertRefused("{\"name\":\"x\",\"tasks\":[{\"name\":\"a\",\"udf\":\"add\"}]} trailing", "after the DAG");
        assertRefused("{\"name\":\"x\",\"tasks\":[{\"name\":\"a\",\"udf\":\"add\",\"colour\":1}]}", "unknown key");
        assertRefused("{\"name\":\"x\",\"name\":\"y\",\"tasks\":[]}", "given twice");
        assertRefused("{\"name\":\"x\",\"tasks\":[{\"name\":\"a\",\"udf\":\"add\",\"args\":[1.5]}]}", "integers");
        assertRefused("{\"name\":\"x\",\"tasks\":[{\"name\":\"a\",\"udf\":7}]}", "must be a string");
        assertRefused("{\"name\":\"x\",\"tasks\":[]}", "expected 1 to");
        assertRefused("{\"name\":\"x\",\"tasks\":[", "end of text");
        assertRefused("[1,2]", "must be a JSON object");
        assertRefused("{\"name\":\"x\",\"retries\":-1,\"tasks\":[{\"name\":\"a\",\"udf\":\"add\"}]}", "retries");
        assertRefused("{\"name\":\"x\",\"tasks\":[{\"name\":\"a b\",\"udf\":\"add\"}]}", "printable ASCII");
        assertRefused("[[[[[[[[[[[[1]]]]]]]]]]]]", "nested too deeply");
    }

    private static void assertRefused(final String json, final String reason)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> DagJson.parse(json));
        assertTrue(ex.getMessage().contains(reason), json + " -> " + ex.getMessage());
    }
}
