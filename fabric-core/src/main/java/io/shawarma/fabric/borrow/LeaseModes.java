package io.shawarma.fabric.borrow;

import io.shawarma.codecs.LeaseMode;
import io.shawarma.udf.Udf;

/**
 * How a vertex may be lent for a UDF, from the UDF's declaration: MERGE when the UDF's type has a merge (many
 * borrowers write, copies merge back), READ_ONLY when the UDF only reads (many borrowers read), else EXCLUSIVE (one
 * borrower at a time, whose value replaces the owner's).
 */
public final class LeaseModes
{
    private LeaseModes()
    {
    }

    /**
     * @param udf the UDF a borrower means to run.
     * @return the mode to lend in.
     */
    public static LeaseMode of(final Udf udf)
    {
        if (udf.isMergeable())
        {
            return LeaseMode.MERGE;
        }
        return udf.isReadOnly() ? LeaseMode.READ_ONLY : LeaseMode.EXCLUSIVE;
    }

    /**
     * May a call run on a copy held under a lease? Reads always; writes under an EXCLUSIVE lease, or under a MERGE
     * lease when the call's UDF is the type the lease was taken for.
     *
     * @param mode      of the lease held.
     * @param leaseUdf  the UDF the lease was taken for.
     * @param udf       the call's UDF.
     * @param udfId     its id.
     * @return true when the call may run on the copy.
     */
    public static boolean permits(final LeaseMode mode, final int leaseUdf, final Udf udf, final int udfId)
    {
        switch (mode)
        {
            case EXCLUSIVE: return true;
            case MERGE: return udfId == leaseUdf || udf.isReadOnly();
            default: return udf.isReadOnly();
        }
    }
}
