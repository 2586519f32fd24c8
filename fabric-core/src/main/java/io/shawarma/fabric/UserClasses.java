package io.shawarma.fabric;

import java.lang.reflect.InvocationTargetException;

/**
 * Makes an instance of a class a user names on the command line (a program on {@code SHAWARMA_CLASSPATH}), with
 * one-line errors that say what to fix.
 */
public final class UserClasses
{
    private UserClasses()
    {
    }

    /**
     * @param option    the option that named the class, for the error, e.g. {@code --program-class}.
     * @param className the class's binary name.
     * @param type      what it must implement.
     * @param <T>       that type.
     * @return a new instance, made with its public no-argument constructor.
     * @throws IllegalArgumentException when the class is missing, of another type, cannot be made or its
     *                                  constructor throws.
     */
    public static <T> T newInstance(final String option, final String className, final Class<T> type)
    {
        try
        {
            return Class.forName(className).asSubclass(type).getConstructor().newInstance();
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalArgumentException(option + " " + className + ": not on the classpath (add its jar to " +
                "SHAWARMA_CLASSPATH)");
        }
        catch (final ClassCastException ex)
        {
            throw new IllegalArgumentException(option + " " + className + " does not implement " + type.getName());
        }
        catch (final NoSuchMethodException | InstantiationException | IllegalAccessException ex)
        {
            throw new IllegalArgumentException(option + " " + className +
                " needs a public no-argument constructor and must not be abstract");
        }
        catch (final InvocationTargetException ex)
        {
            throw new IllegalArgumentException(option + " " + className + ": its constructor threw " +
                ex.getCause());
        }
    }
}
