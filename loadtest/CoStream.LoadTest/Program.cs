using CoStream.LoadTest.Fanout;
using CoStream.LoadTest.Forward;
using CoStream.LoadTest.Fuzz;
using CoStream.LoadTest.Latency;
using CoStream.LoadTest.Mix;

// Dispatches by the first argument; each subcommand parses the rest itself.
switch (args.FirstOrDefault())
{
    case "latency":
        return await LatencyBenchmark.RunAsync(args[1..]);
    case "forward":
        return await ForwardBenchmark.RunAsync(args[1..]);
    case "fanout":
        return await FanoutBenchmark.RunAsync(args[1..]);
    case "fuzz":
        return await FuzzCommand.RunAsync(args[1..]);
    case "mix":
        return await MixBenchmark.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: CoStream.LoadTest <command> [options]");
        Console.Error.WriteLine("commands:");
        Console.Error.WriteLine("  latency   capture-to-render video latency, Chromium to Chromium (Janus, P2P, CoStream SFU)");
        Console.Error.WriteLine("  forward   fan-out 1->N through the CoStream host (and Janus): forwarded packets/s, CPU, latency, loss");
        Console.Error.WriteLine("  mix       2x720p -> PK 720p mixer: frames per CPU-second and mix latency, vs the ffmpeg command line");
        Console.Error.WriteLine("  fanout    room event fan-out: N SignalR members, comments at a rate; delivered msgs/s, latency, arrival, CPU");
        Console.Error.WriteLine("  fuzz      mutational fuzzing of every protocol parser (--seconds per target, --target, --list)");
        return args.Length == 0 ? 0 : 2;
}
