package io.shawarma.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.LongStream;

/**
 * Seeded randomized property checks on plain JUnit 5. A parameterized test takes a run seed from {@link #seeds()}
 * (<code>@MethodSource("io.shawarma.fabric.RandomCases#seeds")</code>) and {@link #check checks} a property on
 * generated cases. Each case is generated from its own seed drawn from the run seed, so a run is reproducible, and a
 * failure names the run seed, the case's number and seed, and the generated case.
 */
public final class RandomCases
{
    // Fixed, so that CI runs the same cases every time; add a seed to explore more.
    private static final long[] SEEDS = { 0x5EED_0001L, 0x5EED_0002L, 0x5EED_0003L };

    private RandomCases()
    {
    }

    /**
     * The run seeds, one parameterized invocation each.
     *
     * @return the run seeds.
     */
    public static LongStream seeds()
    {
        return LongStream.of(SEEDS);
    }

    /**
     * Checks a property on generated cases.
     *
     * @param seed      the run seed the case seeds are drawn from.
     * @param cases     how many cases to generate and check.
     * @param generator makes one case from a random source.
     * @param property  throws (an assertion fails) when the case breaks the property.
     * @param <T>       the type of a case; its {@code toString()} is printed on failure.
     * @throws AssertionError naming the seeds and the case, with the failure as its cause.
     */
    public static <T> void check(
        final long seed, final int cases, final Function<SplittableRandom, T> generator, final Consumer<T> property)
    {
        final SplittableRandom caseSeeds = new SplittableRandom(seed);
        for (int i = 0; i < cases; i++)
        {
            final long caseSeed = caseSeeds.nextLong();
            final T generated = generator.apply(new SplittableRandom(caseSeed));
            try
            {
                property.accept(generated);
            }
            catch (final AssertionError | RuntimeException ex)
            {
                throw new AssertionError("seed " + seed + ", case " + i + " of " + cases + " (case seed " + caseSeed +
                    "): " + ex.getMessage() + "\n  case: " + generated, ex);
            }
        }
    }

    /**
     * A list of generated elements whose size is uniform in {@code [minSize, maxSize]}.
     *
     * @param random  the case's random source.
     * @param minSize the smallest size, inclusive.
     * @param maxSize the largest size, inclusive.
     * @param element makes one element.
     * @param <E>     the element type.
     * @return the list.
     */
    public static <E> List<E> listOf(
        final SplittableRandom random,
        final int minSize,
        final int maxSize,
        final Function<SplittableRandom, E> element)
    {
        final int size = random.nextInt(minSize, maxSize + 1);
        final List<E> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++)
        {
            list.add(element.apply(random));
        }
        return list;
    }
}
