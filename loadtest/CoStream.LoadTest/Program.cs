using CoStream.LoadTest.Fuzz;
using CoStream.LoadTest.Latency;

// Dispatches by the first argument; each subcommand parses the rest itself.
switch (args.FirstOrDefault())
{
    case "latency":
        return await LatencyBenchmark.RunAsync(args[1..]);
    case "fuzz":
        return await FuzzCommand.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: CoStream.LoadTest <command> [options]");
        Console.Error.WriteLine("commands:");
        Console.Error.WriteLine("  latency   capture-to-render video latency, Chromium to Chromium (Janus, P2P, ...)");
        Console.Error.WriteLine("  fuzz      mutational fuzzing of every protocol parser (--seconds per target, --target, --list)");
        return args.Length == 0 ? 0 : 2;
}
