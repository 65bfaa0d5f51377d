using System.Globalization;
using CoStream.Mixer.Pipeline;

namespace CoStream.LoadTest.Mix;

/// <summary>
/// Per-thread CPU time of this process from /proc/self/task/{tid}/stat (Linux; utime + stime in clock ticks,
/// USER_HZ = 100), and the rule that says which threads are the mixer's: its own thread, the native threads its codecs
/// start (a native thread inherits its creator's name, and <see cref="RoomMixer"/> opens codecs on threads named
/// <c>mixer-{room}</c>: libx265's frame encoder shows up so), its ingest thread (<c>ingest-{room}</c>, RTP → frames),
/// and any other thread that appeared after the <see cref="Snapshot"/> taken before the mixer started and carries the
/// process's name (an unnamed native thread). Every thread the .NET runtime starts is named <c>.NET …</c>, and the
/// SFU's and the publishers' threads have their own names: those are not counted. The runtime's GC threads (<c>.NET BGC</c>,
/// <c>.NET Server GC</c>) are counted too, conservatively: the mixer is the process's main allocator.
/// </summary>
internal static class ThreadCpu
{
    public sealed record Sample(int Tid, string Name, long Ticks);

    /// <summary>Every thread of this process now, by thread id.</summary>
    public static Dictionary<int, Sample> Snapshot()
    {
        var result = new Dictionary<int, Sample>();
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                var name = stat[(open + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                // utime and stime are fields 14 and 15 of stat: the 12th and 13th after the name.
                result[tid] = new Sample(tid, name, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
            }
            catch (IOException) { } // the thread ended meanwhile
        }
        return result;
    }

    /// <summary>What a thread is, for the benchmark's attribution; Counted says whether its CPU is the mixer's.</summary>
    public static (string Role, bool Counted) Classify(Sample thread, IReadOnlySet<int> before, string room, string processName, int? mixerTid)
    {
        if (thread.Tid == mixerTid) return ("mixer thread (decode, compose, encode calls)", true);
        if (thread.Name == Truncate(RoomMixer.ThreadName(room))) return ("codec thread started by the mixer", true);
        if (thread.Name == Truncate("ingest-" + room)) return ("mixer ingest (RTP → frames)", true);
        if (thread.Name is ".NET BGC" or ".NET Server GC" || thread.Name.StartsWith(".NET GC", StringComparison.Ordinal)) return ("runtime GC", true);
        if (!before.Contains(thread.Tid) && thread.Name == processName) return ("native (codec)", true);
        return ("not the mixer", false);
    }

    /// <summary>Linux keeps a thread's name to 15 bytes.</summary>
    public static string Truncate(string name) => name.Length <= 15 ? name : name[..15];

    /// <summary>CPU ticks each thread used between two snapshots (threads that ended meanwhile are lost: keep codecs open).</summary>
    public static List<(Sample Thread, long Ticks)> Delta(Dictionary<int, Sample> start, Dictionary<int, Sample> end) =>
        end.Values.Select(e => (e, e.Ticks - (start.TryGetValue(e.Tid, out var s) && s.Name == e.Name ? s.Ticks : 0)))
            .OrderByDescending(x => x.Item2).ToList();
}
