package io.shawarma.fabric.aggregate;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

import static io.shawarma.fabric.aggregate.PathTable.KIND_BRANCH;
import static io.shawarma.fabric.aggregate.PathTable.KIND_EXCHANGE;
import static io.shawarma.fabric.aggregate.PathTable.KIND_FOLDHOOD;
import static io.shawarma.fabric.aggregate.PathTable.KIND_NBR;
import static io.shawarma.fabric.aggregate.PathTable.KIND_REP;
import static io.shawarma.fabric.aggregate.PathTable.KIND_SHARE;

/**
 * The field calculus, as a program sees it during one device's round: {@code rep}, {@code nbr}, {@code foldhood},
 * {@code branch}, {@code share}, {@code mid}, {@code sense}, {@code nbrRange}, {@code mux} and reified fields,
 * with ScaFi's semantics:
 * <ul>
 *     <li>Every construct evaluated gets a path: its parent's path plus (construct, invocation index in the parent
 *     scope, branch taken). {@code nbr} reads what a neighbour computed at the same path in its last round, so a
 *     program's values align across devices; calling a function twice gives its constructs distinct paths.</li>
 *     <li>{@code foldhood} folds its expression over the aligned neighbours, the device itself first: those whose
 *     last export reached this foldhood's path (not those that took another branch) and is at most
 *     {@code retention} rounds old. A neighbour whose export lacks an {@code nbr} the expression reads contributes
 *     {@code init}. {@code foldhoodPlus} leaves the device itself out.</li>
 *     <li>{@code mux} evaluates both sides (both align); {@code branch} evaluates one, and the other side's
 *     constructs are absent from the export, so neighbours that took the other side are not aligned with it.
 *     Java's own {@code ?:} and {@code if} are not aligned: use them for local values only.</li>
 *     <li>{@code exchange} (the exchange calculus, as in ScaFi 3) aligns like the others: its body sees the
 *     neighbours whose last export reached the same exchange path (and is fresh), each with what it sent this
 *     device, and its own last value; see {@link #exchange(double, Exchange.Update)}.</li>
 * </ul>
 * Values are specialised: double and long constructs (and boolean {@code nbr}) store raw 64-bit words and allocate
 * nothing. Lambdas given to the constructs allocate only if they capture: a program that keeps its lambdas in
 * fields (capturing {@code this}) and passes values through fields allocates nothing per round (see the built-in
 * programs and {@link Blocks}). Single-threaded: one instance runs one device at a time.
 */
public final class Aggregate
{
    /** An expression evaluated in a scope, e.g. per neighbour by foldhood or as a branch's side. */
    @FunctionalInterface
    public interface DoubleExpression
    {
        double evaluate(Aggregate a);
    }

    /** A long-valued {@link DoubleExpression}. */
    @FunctionalInterface
    public interface LongExpression
    {
        long evaluate(Aggregate a);
    }

    /** The body of {@code rep}: the next value from the previous one. */
    @FunctionalInterface
    public interface DoubleUpdate
    {
        double next(Aggregate a, double previous);
    }

    /** A long-valued {@link DoubleUpdate}. */
    @FunctionalInterface
    public interface LongUpdate
    {
        long next(Aggregate a, long previous);
    }

    /** The body of {@code share}: the next value from the field of the neighbours' last shared values. */
    @FunctionalInterface
    public interface ShareUpdate
    {
        double next(Aggregate a, DoubleField shared);
    }

    private final Neighbourhood hood;
    private final Exports exports;
    private final Overrides overrides;
    private final PathScope scope;
    private final FieldPool fields;
    private final Sensors sensors;
    private final int retention;
    private int self;
    private int round;
    private final FoldTurn turn = new FoldTurn();
    private NValues lastSent;

    Aggregate(
        final Neighbourhood hood, final Exports exports, final Overrides overrides, final PathTable paths,
        final Sensors sensors, final int retention)
    {
        this.hood = hood;
        this.exports = exports;
        this.overrides = overrides;
        this.scope = new PathScope(paths, exports);
        this.fields = new FieldPool(hood.maxDegree + 1);
        this.sensors = sensors;
        this.retention = retention;
    }

    /**
     * Runs one round of a program on one of this worker's devices, writing its next export (not yet committed).
     */
    double run(final AggregateProgram program, final int row, final int roundNumber)
    {
        self = row;
        round = roundNumber;
        scope.reset();
        turn.reset();
        fields.reclaimAll();
        exports.begin(row, roundNumber);
        return program.round(this);
    }

    /**
     * @return this device's id.
     */
    public long mid()
    {
        return hood.deviceIds[self];
    }

    /**
     * @return the number of the round being run (0 first).
     */
    public int roundNumber()
    {
        return round;
    }

    /**
     * @return a local sensor's value on this device.
     * @throws IllegalArgumentException when the run has no sensor of that name.
     */
    public double sense(final String name)
    {
        return sensors.value(name, self);
    }

    /**
     * @return whether a local sensor is non-zero on this device.
     */
    public boolean senseFlag(final String name)
    {
        return 0 != sensors.value(name, self);
    }

    /**
     * @return in a foldhood, the distance to the neighbour being folded (the edge's weight), 0 for the device
     * itself; 0 outside a foldhood.
     */
    public double nbrRange()
    {
        return isFoldingOnOthers() ? hood.ranges[turn.edge] : 0;
    }

    /**
     * @return {@code ifTrue} or {@code ifFalse}, both already evaluated (so both are aligned).
     */
    public static double mux(final boolean condition, final double ifTrue, final double ifFalse)
    {
        return condition ? ifTrue : ifFalse;
    }

    /**
     * @return {@code ifTrue} or {@code ifFalse}, both already evaluated (so both are aligned).
     */
    public static long mux(final boolean condition, final long ifTrue, final long ifFalse)
    {
        return condition ? ifTrue : ifFalse;
    }

    /**
     * State across rounds: {@code update} gets this device's value from its last round ({@code init} in its
     * first) and returns the new value, which is exported and returned.
     */
    public double rep(final double init, final DoubleUpdate update)
    {
        final int slot = scope.enter(KIND_REP, 0);
        final double previous = exports.has(self, slot) ? Double.longBitsToDouble(exports.value(self, slot)) : init;
        final double next = update.next(this, previous);
        write(slot, Double.doubleToRawLongBits(next));
        scope.exit();
        return next;
    }

    /**
     * {@link #rep(double, DoubleUpdate)} for longs.
     */
    public long repLong(final long init, final LongUpdate update)
    {
        final int slot = scope.enter(KIND_REP, 0);
        final long previous = exports.has(self, slot) ? exports.value(self, slot) : init;
        final long next = update.next(this, previous);
        write(slot, next);
        scope.exit();
        return next;
    }

    /**
     * Outside a foldhood, and in a foldhood's turn for the device itself: exports {@code value} and returns it.
     * In a foldhood's turn for a neighbour: returns the neighbour's value at the same path.
     */
    public double nbr(final double value)
    {
        return Double.longBitsToDouble(nbrBits(Double.doubleToRawLongBits(value)));
    }

    /**
     * {@link #nbr(double)} for longs.
     */
    public long nbrLong(final long value)
    {
        return nbrBits(value);
    }

    /**
     * {@link #nbr(double)} for booleans.
     */
    public boolean nbrBoolean(final boolean value)
    {
        return 0 != nbrBits(value ? 1 : 0);
    }

    /**
     * Folds {@code expression}, evaluated once per aligned neighbour (the device itself first), into
     * {@code init} with {@code combine}.
     */
    public double foldhood(final double init, final DoubleBinaryOperator combine, final DoubleExpression expression)
    {
        return fold(init, combine, expression, true);
    }

    /**
     * {@link #foldhood(double, DoubleBinaryOperator, DoubleExpression)} without the device itself (its expression
     * is still evaluated, so its own {@code nbr} values are exported).
     */
    public double foldhoodPlus(
        final double init, final DoubleBinaryOperator combine, final DoubleExpression expression)
    {
        return fold(init, combine, expression, false);
    }

    /**
     * {@link #foldhood(double, DoubleBinaryOperator, DoubleExpression)} for longs.
     */
    public long foldhoodLong(final long init, final LongBinaryOperator combine, final LongExpression expression)
    {
        return foldLong(init, combine, expression, true);
    }

    /**
     * {@link #foldhoodPlus(double, DoubleBinaryOperator, DoubleExpression)} for longs.
     */
    public long foldhoodPlusLong(final long init, final LongBinaryOperator combine, final LongExpression expression)
    {
        return foldLong(init, combine, expression, false);
    }

    /**
     * Evaluates one side only, in a scope of its own: devices that took different sides do not see each other's
     * values inside it (the network splits into the two domains).
     */
    public double branch(final boolean condition, final DoubleExpression ifTrue, final DoubleExpression ifFalse)
    {
        scope.enter(KIND_BRANCH, condition ? 1 : 0);
        final double result = condition ? ifTrue.evaluate(this) : ifFalse.evaluate(this);
        scope.exit();
        return result;
    }

    /**
     * Evaluates {@code body} in a scope named by {@code key}: the same key reaches the same paths on every device,
     * whatever else ran before it (e.g. for a varying number of calls).
     */
    public double align(final long key, final DoubleExpression body)
    {
        scope.enterAligned(key);
        final double result = body.evaluate(this);
        scope.exit();
        return result;
    }

    /**
     * The share operator: {@code update} gets the field of the aligned neighbours' last shared values (the
     * device's own last value, or {@code init}, first); what it returns is exported, shared and returned.
     */
    public double share(final double init, final ShareUpdate update)
    {
        final int slot = scope.enter(KIND_SHARE, 0);
        final DoubleField shared = fields.lend();
        shared.add(mid(), exports.has(self, slot) ? Double.longBitsToDouble(exports.value(self, slot)) : init);
        addAligned(shared, slot);
        final double next = update.next(this, shared);
        write(slot, Double.doubleToRawLongBits(next));
        scope.exit();
        return next;
    }

    /**
     * Reifies {@code nbr(value)}: the field of this value across the aligned neighbours, the device itself first.
     */
    public DoubleField nbrField(final double value)
    {
        final int slot = scope.leaf(KIND_NBR);
        final DoubleField field = fields.lend();
        field.add(mid(), value);
        write(slot, Double.doubleToRawLongBits(value));
        addAligned(field, slot);
        return field;
    }

    /**
     * @return the field of distances to the neighbours whose export has not expired, 0 for the device itself.
     */
    public DoubleField nbrRangeField()
    {
        final DoubleField field = fields.lend();
        field.add(mid(), 0);
        for (int e = hood.offsets[self], end = hood.offsets[self + 1]; e < end; e++)
        {
            if (isFresh(hood.neighbourRows[e]))
            {
                field.add(hood.deviceIds[hood.neighbourRows[e]], hood.ranges[e]);
            }
        }
        return field;
    }

    /**
     * XC's {@code exchange(init, (n) -> retsend(e))}: {@code update} gets what each aligned neighbour sent this
     * device last round (its override for this device, else its default), this device's own entry first (what it
     * sent itself, {@code init} in its first round), with {@code init} as the default; the field it returns is
     * sent (each neighbour gets its own value) and returned. Aligned neighbours are those whose last fresh export
     * reached this exchange's path, as for {@code nbr}. {@code share(init, f)} is
     * {@code exchange(init, (a, n) -> a.nvalues(f(n)))}.
     */
    public NValues exchange(final double init, final Exchange.Update update)
    {
        exchange(init, update, null);
        return lastSent;
    }

    /**
     * XC's {@code exchange(init, (n) -> (ret, send))}: as {@link #exchange(double, Exchange.Update)}, but the body
     * fills the field to send and returns another value, which the exchange returns.
     */
    public double exchange(final double init, final Exchange.RetSend update)
    {
        return exchange(init, null, update);
    }

    /**
     * @return a field to send, lent by this round: {@code defaultValue} for every device, no overrides yet.
     */
    public NValues nvalues(final double defaultValue)
    {
        return fields.lendNValues(mid(), defaultValue);
    }

    private double exchange(final double init, final Exchange.Update update, final Exchange.RetSend retSend)
    {
        final int ordinal = overrides.ordinalOf(scope.enter(KIND_EXCHANGE, 0));
        final int ownSlot = overrides.ownSlot(ordinal, scope);
        final NValues received = fields.lendNValues(mid(), init);
        overrides.receive(ordinal, ownSlot, self, round - retention, received);
        final NValues send = null == update ? fields.lendNValues(mid(), init) : update.next(this, received);
        final double result = null == update ? retSend.next(this, received, send) : send.self();
        if (!isFoldingOnOthers())
        {
            overrides.send(ordinal, ownSlot, self, send);
        }
        scope.exit();
        lastSent = send;
        return result;
    }

    private double fold(
        final double init, final DoubleBinaryOperator combine, final DoubleExpression expression,
        final boolean withSelf)
    {
        final int slot = scope.enter(KIND_FOLDHOOD, 0);
        final long outer = turn.save();
        final int traceMark = scope.traceMark();
        foldOn(self, -1, traceMark);
        final double own = expression.evaluate(this);
        double result = withSelf ? combine.applyAsDouble(init, own) : init;
        for (int e = hood.offsets[self], end = hood.offsets[self + 1]; e < end; e++)
        {
            final int neighbour = hood.neighbourRows[e];
            if (isAligned(neighbour, slot))
            {
                foldOn(neighbour, e, traceMark);
                final double value = expression.evaluate(this);
                result = combine.applyAsDouble(result, turn.outOfDomain ? init : value);
            }
        }
        turn.restore(outer);
        write(slot, Double.doubleToRawLongBits(result));
        scope.exit();
        return result;
    }

    private long foldLong(
        final long init, final LongBinaryOperator combine, final LongExpression expression, final boolean withSelf)
    {
        final int slot = scope.enter(KIND_FOLDHOOD, 0);
        final long outer = turn.save();
        final int traceMark = scope.traceMark();
        foldOn(self, -1, traceMark);
        final long own = expression.evaluate(this);
        long result = withSelf ? combine.applyAsLong(init, own) : init;
        for (int e = hood.offsets[self], end = hood.offsets[self + 1]; e < end; e++)
        {
            final int neighbour = hood.neighbourRows[e];
            if (isAligned(neighbour, slot))
            {
                foldOn(neighbour, e, traceMark);
                final long value = expression.evaluate(this);
                result = combine.applyAsLong(result, turn.outOfDomain ? init : value);
            }
        }
        turn.restore(outer);
        write(slot, result);
        scope.exit();
        return result;
    }

    /**
     * Sets up one turn of a foldhood: every turn starts the expression's scope afresh, so each reaches the same
     * paths.
     */
    private void foldOn(final int row, final int edge, final int traceMark)
    {
        turn.start(row, edge);
        scope.restart(traceMark);
    }

    private long nbrBits(final long value)
    {
        final int slot = scope.leaf(KIND_NBR);
        long result = value;
        if (isFoldingOnOthers())
        {
            if (exports.has(turn.row, slot))
            {
                result = exports.value(turn.row, slot);
            }
            else
            {
                turn.outOfDomain = true;
            }
        }
        else
        {
            exports.put(self, slot, value);
        }
        return result;
    }

    private boolean isFoldingOnOthers()
    {
        return turn.isOnOther(self);
    }

    /**
     * Adds the aligned neighbours' values at a slot to a field, in neighbour order.
     */
    private void addAligned(final DoubleField field, final int slot)
    {
        for (int e = hood.offsets[self], end = hood.offsets[self + 1]; e < end; e++)
        {
            final int neighbour = hood.neighbourRows[e];
            if (isAligned(neighbour, slot))
            {
                field.add(hood.deviceIds[neighbour], Double.longBitsToDouble(exports.value(neighbour, slot)));
            }
        }
    }

    private boolean isFresh(final int row)
    {
        return (long)round - exports.round(row) <= retention;
    }

    private boolean isAligned(final int row, final int slot)
    {
        return isFresh(row) && exports.has(row, slot);
    }

    private void write(final int slot, final long value)
    {
        if (!isFoldingOnOthers())
        {
            exports.put(self, slot, value);
        }
    }
}
