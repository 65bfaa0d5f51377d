using System.Globalization;
using CoStream.LoadTest.Forward;

namespace CoStream.LoadTest.Fanout;

/// <summary>Command line of <c>fanout</c>.</summary>
internal sealed class FanoutOptions
{
    public int[] Clients { get; private set; } = [100, 500, 1000, 2000];
    /// <summary>Comments per second from the sender; empty = about 25,000 deliveries/s for each N.</summary>
    public int[] Rates { get; private set; } = [];
    public double Seconds { get; private set; } = 10;
    public double WarmupSeconds { get; private set; } = 2;
    /// <summary>Raise the rate by 1.5× per row until arrival drops below 100 % or p99 passes 50 ms (at most this many rows).</summary>
    public int FindMaxSteps { get; private set; }
    /// <summary>Add one member that stops reading, to see that the room does not stall on it.</summary>
    public bool SlowClient { get; private set; }
    /// <summary>Characters of padding after the timestamp in each comment (0..280), to make events bigger.</summary>
    public int PadChars { get; private set; }
    public string HostDll { get; private set; } = HostProcess.DefaultHostDll();
    public List<string> HostArgs { get; } = [];

    public static FanoutOptions? Parse(string[] args)
    {
        var o = new FanoutOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int[] Ints() => Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            switch (args[i])
            {
                case "--clients": o.Clients = Ints(); break;
                case "--rate": o.Rates = Ints(); break;
                case "--seconds": o.Seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": o.WarmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--find-max": o.FindMaxSteps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--slow-client": o.SlowClient = true; break;
                case "--pad": o.PadChars = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 0, 280); break;
                case "--host": o.HostDll = Path.GetFullPath(Next()); break;
                case "--host-arg": o.HostArgs.Add(Next()); break;
                default: return null;
            }
        }
        if (o.Clients.Any(n => n is < 1 or > 5000) || o.Seconds is <= 0 or > 120 || o.FindMaxSteps is < 0 or > 10) return null;
        return o;
    }

    public static void PrintUsage()
    {
        Console.Error.WriteLine("usage: fanout [--clients 100,500,1000,2000] [--rate msgs/s,...] [--seconds 10] [--warmup 2]");
        Console.Error.WriteLine("              [--find-max steps] [--slow-client] [--pad chars] [--host path/to/CoStream.Signaling.dll] [--host-arg --Key=Value]...");
        Console.Error.WriteLine("  N clients (≤ 5000) join one room; one anchor posts comments carrying a send timestamp; every client");
        Console.Error.WriteLine("  records arrival latency. Prints delivered msgs/s, p50/p99/max latency, arrival %, host CPU.");
    }
}
