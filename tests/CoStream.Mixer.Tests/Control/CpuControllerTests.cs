using CoStream.Mixer.Control;

namespace CoStream.Mixer.Tests.Control;

/// <summary>The controller against synthetic load: a cost model of its own settings times an outside load factor.</summary>
public class CpuControllerTests
{
    private static readonly Dictionary<string, double> PresetCost = new() { ["veryfast"] = 1.0, ["superfast"] = 0.75, ["ultrafast"] = 0.5 };

    /// <summary>CPU a setting would use: proportional to frame rate, preset cost and pixel count.</summary>
    private static double Cost(CpuDecision d, double load) =>
        load * d.Fps / 24.0 * PresetCost[d.Preset] * (d.Height / 720.0) * (d.Height / 720.0);

    private static List<CpuDecision> Run(CpuController c, Func<int, double> load, int windows)
    {
        var log = new List<CpuDecision>();
        for (int w = 0; w < windows; w++) log.Add(c.Observe(Cost(c.Current, load(w))));
        return log;
    }

    [Fact]
    public void Ladder_FrameRateFirst_ThenPreset_ThenResolution()
    {
        var c = new CpuController();
        Assert.Equal(6 + 2 + 3, c.LevelCount);
        Assert.Equal((24, "veryfast", 720), c.SettingsAt(0));
        Assert.Equal((8, "veryfast", 720), c.SettingsAt(5));
        Assert.Equal((8, "superfast", 720), c.SettingsAt(6));
        Assert.Equal((8, "ultrafast", 720), c.SettingsAt(7));
        Assert.Equal((8, "ultrafast", 540), c.SettingsAt(8));
        Assert.Equal((8, "ultrafast", 360), c.SettingsAt(10));
        Assert.Equal(new CpuDecision(15, "veryfast", 720, 2, false, "start"), c.Current); // seed 002's default 15 fps
    }

    [Fact]
    public void Overload_StepsDownInOrder_AndStopsAtTheFloor()
    {
        var c = new CpuController();
        var log = Run(c, _ => 20.0, 200); // far more than any setting can absorb
        var changes = log.Where(d => d.Changed).ToList();
        Assert.Equal(c.LevelCount - 1 - 2, changes.Count); // from level 2 down to the floor, one step at a time
        Assert.Equal([12, 10, 8], changes.Take(3).Select(d => d.Fps));
        Assert.All(changes.Take(3), d => Assert.Contains("frame rate", d.Reason));
        Assert.Equal(["superfast", "ultrafast"], changes.Skip(3).Take(2).Select(d => d.Preset));
        Assert.Equal([540, 480, 360], changes.Skip(5).Select(d => d.Height));
        Assert.Equal((8, "ultrafast", 360), (c.Current.Fps, c.Current.Preset, c.Current.Height));
        Assert.Contains("at the floor", c.Current.Reason);
    }

    [Fact]
    public void Underload_ClimbsBackInReverse_AndStopsAtTheCeiling()
    {
        var c = new CpuController();
        Run(c, _ => 20.0, 200);
        var log = Run(c, _ => 0.2, 400); // now everything is cheap
        var changes = log.Where(d => d.Changed).ToList();
        Assert.Equal(c.LevelCount - 1, changes.Count);
        Assert.Equal([480, 540, 720], changes.Take(3).Select(d => d.Height));
        Assert.Equal(["superfast", "veryfast"], changes.Skip(3).Take(2).Select(d => d.Preset));
        Assert.Equal([10, 12, 15, 20, 24], changes.Skip(5).Select(d => d.Fps));
        Assert.Equal(0, c.Current.Level);
    }

    [Fact]
    public void InsideTheBand_NoiseAndSingleSpikes_ChangeNothing()
    {
        var c = new CpuController();
        var random = new Random(3);
        for (int w = 0; w < 300; w++)
        {
            var cpu = 0.70 + (random.NextDouble() - 0.5) * 0.18; // ±0.09 inside the ±0.10 band
            if (w % 17 == 0) cpu = 1.5;                           // an isolated spike
            if (w % 23 == 0) cpu = 0.05;                          // an isolated dip
            Assert.False(c.Observe(cpu).Changed, $"window {w}");
        }
        Assert.Equal(0, c.Changes);
    }

    [Fact]
    public void NeighbouringLevelsStraddlingTheTarget_DoNotOscillate()
    {
        // Band 0.65–0.75: level 2 (15 fps) costs 0.80 (over it), level 3 (12 fps) 0.64 (under it): a naive controller flips forever.
        var c = new CpuController(new CpuControllerOptions { Band = 0.05 });
        var log = Run(c, _ => 0.8 * 24 / 15.0, 1000);
        var changeWindows = log.Select((d, i) => (d, i)).Where(x => x.d.Changed).Select(x => x.i).ToList();
        Assert.All(log, d => Assert.InRange(d.Level, 2, 3));
        var early = changeWindows.Count(i => i < 200);
        var late = changeWindows.Count(i => i >= 800);
        Assert.True(late < early, $"changes: {early} in the first 200 windows, {late} in the last 200");
        Assert.True(changeWindows.Count <= 40, $"{changeWindows.Count} changes in 1000 windows");
        // The gaps between upgrade attempts grow (backoff), up to the cap.
        var ups = log.Select((d, i) => (d, i)).Where(x => x.d.Changed && x.d.Fps == 15).Select(x => x.i).ToList();
        Assert.True(ups.Count >= 3);
        Assert.True(ups[^1] - ups[^2] > ups[1] - ups[0]);
    }

    [Fact]
    public void ModerateOverload_SettlesInsideTheBand()
    {
        var c = new CpuController();
        var log = Run(c, w => w < 100 ? 1.6 : 1.0, 400);
        var final = Cost(c.Current, 1.0);
        Assert.InRange(final, 0.60, 0.80);
        Assert.False(log.Skip(350).Any(d => d.Changed), "stable at the end");
    }

    [Fact]
    public void InvalidOptions_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new CpuController(new CpuControllerOptions { StartFps = 7 }));
        Assert.Throws<ArgumentException>(() => new CpuController(new CpuControllerOptions { Band = 0.8 }));
    }

    [Fact]
    public void ProcessCpuMeter_SeesThisThreadsWork()
    {
        Assert.Equal(0, ProcessCpuMeter.Fraction(TimeSpan.FromSeconds(1), TimeSpan.Zero));
        Assert.Equal(0.5, ProcessCpuMeter.Fraction(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)));
        var meter = new ProcessCpuMeter();
        var before = Environment.CpuUsage.TotalTime;
        double x = 0;
        while (Environment.CpuUsage.TotalTime - before < TimeSpan.FromMilliseconds(50)) x += Math.Sqrt(x + 1);
        var used = meter.Sample();
        Assert.True(used > 0, $"cpu {used} after burning 50 ms of CPU (x = {x})");
        Assert.True(used <= Environment.ProcessorCount + 0.5, $"cpu {used} cores on a {Environment.ProcessorCount}-core machine");
    }
}
