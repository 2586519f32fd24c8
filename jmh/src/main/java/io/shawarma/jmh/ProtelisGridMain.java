package io.shawarma.jmh;

import io.shawarma.fabric.aggregate.GridNetwork;
import io.shawarma.fabric.graph.EdgeList;
import io.shawarma.fabric.graph.ResultWriter;
import org.protelis.lang.ProtelisLoader;
import org.protelis.lang.datatype.DeviceUID;
import org.protelis.lang.datatype.Field;
import org.protelis.lang.datatype.impl.LongUID;
import org.protelis.lang.interpreter.AnnotatedTree;
import org.protelis.vm.CodePath;
import org.protelis.vm.NetworkManager;
import org.protelis.vm.ProtelisProgram;
import org.protelis.vm.ProtelisVM;
import org.protelis.vm.SpatiallyEmbeddedDevice;
import org.protelis.vm.impl.AbstractExecutionContext;
import org.protelis.vm.impl.SimpleExecutionEnvironment;
import org.protelis.vm.impl.SimpleProgramImpl;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The Protelis contender of {@code bench aggregate}: a program in Protelis's own language, interpreted by
 * org.protelis:protelis-interpreter, on every device of a W x H grid, in synchronous rounds (every device runs
 * against its neighbours' exports of the round before, then all exports are published), which is the schedule of
 * our synchronous mode. {@code self.nbrRange()} is the edge's range, as ours. Prints the compute time as a
 * {@link ContenderFigures} line and writes {@code deviceId<TAB>value} like {@code shawarma aggregate}.
 * <p>
 * Usage: {@code ProtelisGridMain hopcount|gradient WxH ROUNDS SOURCE[,SOURCE...] OUT}.
 */
public final class ProtelisGridMain
{
    static final String HOPCOUNT =
        "rep (d <- 1 / 0) { mux (env.get(\"source\")) { 0 } else { minHood(nbr(d)) + 1 } }";
    static final String GRADIENT =
        "rep (d <- 1 / 0) { mux (env.get(\"source\")) { 0 } else { minHood(nbr(d) + self.nbrRange()) } }";

    /** One device: its Protelis VM, its context, and its exports of the last round and of this one. */
    static final class Device extends AbstractExecutionContext<Device>
        implements SpatiallyEmbeddedDevice<Double>
    {
        final long id;
        final LongUID uid;
        final Map<Long, Double> rangeById = new HashMap<>();
        Device[] neighbours = new Device[0];
        Map<CodePath, Object> published = Collections.emptyMap();
        Map<CodePath, Object> next = Collections.emptyMap();
        ProtelisVM vm;

        Device(final long id, final boolean source)
        {
            this(id, new SimpleExecutionEnvironment());
            getExecutionEnvironment().put("source", source);
        }

        private Device(final long id, final SimpleExecutionEnvironment environment)
        {
            super(environment, new Network());
            this.id = id;
            this.uid = new LongUID(id);
            ((Network)getNetworkManager()).device = this;
        }

        public Field<Double> nbrRange()
        {
            return buildField((other) -> rangeById.getOrDefault((Long)other, 0.0), id);
        }

        public Map<DeviceUID, Map<CodePath, Object>> getNeighborState()
        {
            final Map<DeviceUID, Map<CodePath, Object>> state = new HashMap<>(neighbours.length * 2);
            for (final Device neighbour : neighbours)
            {
                if (!neighbour.published.isEmpty())
                {
                    state.put(neighbour.uid, neighbour.published);
                }
            }
            return state;
        }

        public void shareState(final Map<CodePath, Object> toSend)
        {
            next = toSend;
        }

        public Number getCurrentTime()
        {
            return 0;
        }

        public DeviceUID getDeviceUID()
        {
            return uid;
        }

        public double nextRandomDouble()
        {
            return 0.5;
        }

        protected Device instance()
        {
            return this;
        }
    }

    /** Routes the VM's network calls to its device. */
    private static final class Network implements NetworkManager
    {
        Device device;

        public Map<DeviceUID, Map<CodePath, Object>> getNeighborState()
        {
            return device.getNeighborState();
        }

        public void shareState(final Map<CodePath, Object> toSend)
        {
            device.shareState(toSend);
        }
    }

    private ProtelisGridMain()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 5)
        {
            System.err.println("usage: ProtelisGridMain hopcount|gradient WxH ROUNDS SOURCE[,SOURCE...] OUT");
            System.exit(2);
        }
        final String program = "hopcount".equals(args[0]) ? HOPCOUNT : GRADIENT;
        final int[] size = GridNetwork.parseSize(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        final long[] sources = Arrays.stream(args[3].split(",")).mapToLong(Long::parseLong).toArray();

        final long buildStartNs = System.nanoTime();
        final EdgeList grid = GridNetwork.of(size[0], size[1]);
        final Device[] devices = devices(grid, sources);
        final AnnotatedTree<?> parsed = syntaxTree(ProtelisLoader.parse(program));
        for (final Device device : devices)
        {
            // Protelis keeps a program's state in its syntax tree: each device needs its own copy (parsing it per
            // device would take tens of milliseconds each).
            device.vm = new ProtelisVM(new SimpleProgramImpl("bench:" + args[0], parsed.copy()), device);
        }
        ContenderFigures.print(ContenderFigures.BUILD_SECONDS, ContenderFigures.seconds(buildStartNs));

        final long startNs = System.nanoTime();
        long warmStartNs = startNs;
        for (int round = 0; round < rounds; round++)
        {
            if (round == rounds / 2)
            {
                warmStartNs = System.nanoTime();
            }
            for (final Device device : devices)
            {
                device.vm.runCycle();
            }
            for (final Device device : devices)
            {
                device.published = device.next;
            }
        }
        ContenderFigures.print(ContenderFigures.COMPUTE_SECONDS, ContenderFigures.seconds(startNs));
        ContenderFigures.print(AggregateBenchmark.WARM_SECONDS, ContenderFigures.seconds(warmStartNs));

        final double[] values = new double[devices.length];
        for (int i = 0; i < devices.length; i++)
        {
            values[i] = ((Number)devices[i].vm.getCurrentValue()).doubleValue();
        }
        ResultWriter.write(Path.of(args[4]), grid.vertexIds(), values);
    }

    /**
     * @return the syntax tree of a parsed program, which protelis-interpreter keeps in a private field.
     */
    private static AnnotatedTree<?> syntaxTree(final ProtelisProgram program)
    {
        try
        {
            final java.lang.reflect.Field tree = SimpleProgramImpl.class.getDeclaredField("prog");
            tree.setAccessible(true);
            return (AnnotatedTree<?>)tree.get(program);
        }
        catch (final ReflectiveOperationException | ClassCastException ex)
        {
            throw new IllegalStateException("this protelis-interpreter keeps its syntax tree elsewhere", ex);
        }
    }

    private static Device[] devices(final EdgeList grid, final long[] sources)
    {
        final long[] ids = grid.vertexIds();
        final Device[] devices = new Device[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            final long id = ids[i];
            devices[i] = new Device(id, Arrays.stream(sources).anyMatch((source) -> source == id));
        }
        final int[][] neighbourIndexes = new int[ids.length][0];
        for (int e = 0; e < grid.edgeCount(); e++)
        {
            final int a = grid.indexOf(grid.src()[e]);
            final int b = grid.indexOf(grid.dst()[e]);
            if (a != b && !devices[a].rangeById.containsKey(ids[b]))
            {
                link(devices, neighbourIndexes, a, b, grid.weight()[e]);
                link(devices, neighbourIndexes, b, a, grid.weight()[e]);
            }
        }
        for (int i = 0; i < ids.length; i++)
        {
            devices[i].neighbours = Arrays.stream(neighbourIndexes[i]).mapToObj((n) -> devices[n])
                .toArray(Device[]::new);
        }
        return devices;
    }

    private static void link(
        final Device[] devices, final int[][] neighbourIndexes, final int from, final int to, final double range)
    {
        devices[from].rangeById.put(devices[to].id, range);
        neighbourIndexes[from] = Arrays.copyOf(neighbourIndexes[from], neighbourIndexes[from].length + 1);
        neighbourIndexes[from][neighbourIndexes[from].length - 1] = to;
    }
}
