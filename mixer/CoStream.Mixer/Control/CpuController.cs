namespace CoStream.Mixer.Control;

/// <summary>What the <see cref="CpuController"/> chose for the output, and why.</summary>
public readonly record struct CpuDecision(int Fps, string Preset, int Height, int Level, bool Changed, string Reason);

/// <summary>
/// Holds the mixer's CPU use near a target (seed 004's feedback controller) by moving along one ladder of
/// settings: the frame rate steps down first, then the encoder preset gets faster, then the resolution
/// drops; recovery climbs back in the reverse order (resolution, preset, frame rate). Between a floor and
/// a ceiling, with hysteresis: a dead band around the target, several consecutive windows before acting
/// (fast down, slow up), a hold after each change, and an upgrade that had to be undone at once makes
/// the next attempt from that level wait twice as long — so two neighbouring levels that straddle the
/// target do not make it oscillate. Pure logic: one call per measurement window.
/// </summary>
public sealed class CpuController
{
    private readonly CpuControllerOptions _o;
    private readonly int[] _upgradeBackoff; // per level: multiplier exponent for UpgradeAfterWindows
    private int _level;
    private int _over, _under, _hold;
    private long _window;
    private long _lastUpgradeWindow = long.MinValue;
    private int _lastUpgradeFrom = -1;

    public CpuController(CpuControllerOptions? options = null)
    {
        _o = options ?? new CpuControllerOptions();
        if (_o.Validate() is { } why) throw new ArgumentException(why, nameof(options));
        _upgradeBackoff = new int[LevelCount];
        _level = IndexOf(_o.FrameRates, _o.StartFps);
        Current = Describe(false, "start");
    }

    /// <summary>Levels on the ladder: 0 is the ceiling (all best), LevelCount − 1 the floor (all lowest).</summary>
    public int LevelCount => _o.FrameRates.Count + _o.Presets.Count - 1 + _o.Heights.Count - 1;
    public CpuDecision Current { get; private set; }
    public long Changes { get; private set; }

    /// <summary>The settings of a ladder level: frame rate first, then preset, then height.</summary>
    public (int Fps, string Preset, int Height) SettingsAt(int level)
    {
        level = Math.Clamp(level, 0, LevelCount - 1);
        int f = _o.FrameRates.Count - 1, p = _o.Presets.Count - 1;
        if (level <= f) return (_o.FrameRates[level], _o.Presets[0], _o.Heights[0]);
        if (level <= f + p) return (_o.FrameRates[f], _o.Presets[level - f], _o.Heights[0]);
        return (_o.FrameRates[f], _o.Presets[p], _o.Heights[level - f - p]);
    }

    /// <summary>Feeds one window's measured CPU use and returns the (possibly new) decision.</summary>
    public CpuDecision Observe(double cpu)
    {
        _window++;
        if (_hold > 0) { _hold--; return Current = Current with { Changed = false }; }
        double high = _o.Target + _o.Band, low = _o.Target - _o.Band;
        if (cpu > high) { _over++; _under = 0; }
        else if (cpu < low) { _under++; _over = 0; }
        else { _over = _under = 0; }

        if (_over >= _o.DegradeAfterWindows)
        {
            if (_level >= LevelCount - 1) return Current = Describe(false, $"cpu {cpu:P0} over {high:P0} but at the floor");
            // An upgrade undone right away: that level's next climb waits longer.
            if (_lastUpgradeFrom == _level + 1 && _window - _lastUpgradeWindow <= _o.FailedUpgradeWithinWindows)
                _upgradeBackoff[_level + 1] = Math.Min(_upgradeBackoff[_level + 1] + 1, 16);
            var what = StepName(_level, _level + 1);
            _level++;
            return Change($"cpu {cpu:P0} over {high:P0} for {_over} windows: {what}");
        }
        if (_under >= UpgradeAfter(_level))
        {
            if (_level == 0) { _under = 0; return Current = Describe(false, $"cpu {cpu:P0} under {low:P0}, at the ceiling"); }
            var what = StepName(_level, _level - 1);
            _lastUpgradeFrom = _level;
            _lastUpgradeWindow = _window;
            _level--;
            return Change($"cpu {cpu:P0} under {low:P0} for {_under} windows: {what}");
        }
        return Current = Current with { Changed = false };
    }

    private int UpgradeAfter(int level) =>
        (int)Math.Min(_o.MaxUpgradeAfterWindows, (long)_o.UpgradeAfterWindows << _upgradeBackoff[level]);

    private CpuDecision Change(string reason)
    {
        _over = _under = 0;
        _hold = _o.HoldWindows;
        Changes++;
        return Current = Describe(true, reason);
    }

    private string StepName(int from, int to)
    {
        var (f1, p1, h1) = SettingsAt(from);
        var (f2, p2, h2) = SettingsAt(to);
        if (f1 != f2) return $"frame rate {f1} → {f2} fps";
        if (p1 != p2) return $"preset {p1} → {p2}";
        return $"height {h1}p → {h2}p";
    }

    private CpuDecision Describe(bool changed, string reason)
    {
        var (fps, preset, height) = SettingsAt(_level);
        return new CpuDecision(fps, preset, height, _level, changed, reason);
    }

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return 0;
    }
}
