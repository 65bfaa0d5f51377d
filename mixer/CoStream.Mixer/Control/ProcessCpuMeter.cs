using System.Diagnostics;

namespace CoStream.Mixer.Control;

/// <summary>
/// Measures this process's CPU use over a window: CPU time (user + kernel, all threads, from
/// <see cref="Environment.CpuUsage"/>) divided by wall time, as a fraction of one core (2.0 = two busy cores).
/// Call <see cref="Sample"/> once per window (e.g. every second) and feed the result to <see cref="CpuController"/>.
/// </summary>
public sealed class ProcessCpuMeter
{
    private TimeSpan _lastCpu;
    private long _lastWall;

    public ProcessCpuMeter()
    {
        _lastCpu = Environment.CpuUsage.TotalTime;
        _lastWall = Stopwatch.GetTimestamp();
    }

    /// <summary>CPU use since the previous sample (or construction), in cores.</summary>
    public double Sample()
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.GetTimestamp();
        var result = Fraction(cpu - _lastCpu, Stopwatch.GetElapsedTime(_lastWall, wall));
        _lastCpu = cpu;
        _lastWall = wall;
        return result;
    }

    /// <summary>CPU time over wall time (0 for an empty window).</summary>
    public static double Fraction(TimeSpan cpu, TimeSpan wall) =>
        wall <= TimeSpan.Zero ? 0 : Math.Max(0, cpu.TotalSeconds / wall.TotalSeconds);
}
