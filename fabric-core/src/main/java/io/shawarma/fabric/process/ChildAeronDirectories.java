package io.shawarma.fabric.process;

import io.aeron.CommonContext;
import org.agrona.IoUtil;

import java.io.File;

/**
 * The media driver directories of the child JVMs a launcher, demo or test starts: given the base below as their
 * {@code aeron.dir}, every driver a child embeds names its directory {@code base-...}, so all of them can be removed
 * at the end, even those of children that were killed with SIGKILL and could not remove their own.
 */
public final class ChildAeronDirectories
{
    private ChildAeronDirectories()
    {
    }

    /**
     * @param tag names the launcher, e.g. {@code grid-demo}.
     * @return a base for the children's {@code aeron.dir}, unique to this process: Aeron's default directory (under
     * /dev/shm on Linux) followed by the tag and this process's id.
     */
    public static String base(final String tag)
    {
        return CommonContext.getAeronDirectoryName() + "-" + tag + "-" + ProcessHandle.current().pid();
    }

    /**
     * Removes every directory whose name starts with the base's name, beside it.
     *
     * @param base as returned by {@link #base(String)}.
     */
    public static void removeAll(final String base)
    {
        final File baseFile = new File(base);
        final File[] found = null == baseFile.getParentFile() ? null :
            baseFile.getParentFile().listFiles((dir, name) -> name.startsWith(baseFile.getName()));
        if (null != found)
        {
            for (final File dir : found)
            {
                IoUtil.delete(dir, true);
            }
        }
    }
}
