using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class ActiveSpeakerDetectorTests
{
    private const int Silence = 127; // RFC 6464: 127 = -127 dBov
    private const int Speech = 30;   // -30 dBov: ordinary speech
    private const int Loud = 20;

    /// <summary>Runs 20 ms audio packets from t0 to t1; levels(key, t) gives the level or null (no packet, DTX).</summary>
    private static List<(long At, string Who)> Run(
        ActiveSpeakerDetector<string> detector, long t0, long t1, Func<string, long, int?> levels, params string[] keys)
    {
        var changes = new List<(long, string)>();
        for (long t = t0; t < t1; t += 20)
        {
            foreach (string key in keys)
            {
                int? level = levels(key, t);
                if (level is int value)
                {
                    detector.OnAudioLevel(key, value, voice: value < 100, t);
                }
            }

            if (detector.TryGetChange(t, out string? who))
            {
                changes.Add((t, who));
            }
        }

        return changes;
    }

    [Fact]
    public void Rfc6464_FirstSpeaker_IsDominantAtOnce()
    {
        var detector = new ActiveSpeakerDetector<string>();
        var changes = Run(detector, 0, 1000, (k, t) => k == "alice" && t >= 200 ? Speech : Silence, "alice", "bob");
        Assert.Single(changes);
        Assert.Equal("alice", changes[0].Who);
        Assert.InRange(changes[0].At, 200, 300); // as soon as ~100 ms of speech lifts the 300 ms score
        Assert.Equal("alice", detector.Dominant);
    }

    [Fact]
    public void Silence_DoesNotStealTheFloor()
    {
        var detector = new ActiveSpeakerDetector<string>();
        Run(detector, 0, 1000, (k, t) => k == "alice" ? Speech : Silence, "alice", "bob");
        var changes = Run(detector, 1000, 5000, (k, t) => Silence, "alice", "bob");
        Assert.Empty(changes);
        Assert.Equal("alice", detector.Dominant);
        changes = Run(detector, 5000, 8000, (k, t) => null, "alice", "bob"); // DTX: no packets at all
        Assert.Empty(changes);
    }

    [Fact]
    public void ShortInterjection_DoesNotSwitch_SustainedLouderSpeech_Does()
    {
        var detector = new ActiveSpeakerDetector<string>(holdMs: 300);
        Run(detector, 0, 2000, (k, t) => k == "alice" ? Speech : Silence, "alice", "bob");

        // Bob says "yes" (~150 ms) over Alice.
        var changes = Run(detector, 2000, 4000, (k, t) => k == "alice" ? Speech : t is >= 2500 and < 2650 ? Loud : Silence, "alice", "bob");
        Assert.Empty(changes);

        // Alice pauses; Bob's "yes" (150 ms) falls in the pause; Alice goes on.
        changes = Run(detector, 4000, 6000, (k, t) => k == "alice" ? (t is >= 4000 and < 4700 ? Silence : Speech) : t is >= 4300 and < 4450 ? Loud : Silence, "alice", "bob");
        Assert.Empty(changes);

        // Alice stops, Bob speaks on.
        changes = Run(detector, 6000, 8000, (k, t) => k == "alice" ? Silence : Speech, "alice", "bob");
        Assert.Single(changes);
        Assert.Equal("bob", changes[0].Who);
        Assert.InRange(changes[0].At, 6300, 6700);
    }

    [Fact]
    public void LouderChallenger_WhileDominantStillTalks_TakesOverAfterHold()
    {
        var detector = new ActiveSpeakerDetector<string>(marginDb: 6, holdMs: 300);
        Run(detector, 0, 1000, (k, t) => k == "alice" ? 50 : Silence, "alice", "bob");
        var changes = Run(detector, 1000, 3000, (k, t) => k == "alice" ? 50 : Loud, "alice", "bob");
        Assert.Single(changes);
        Assert.Equal("bob", changes[0].Who);
        Assert.InRange(changes[0].At, 1300, 1700);
    }

    [Fact]
    public void SlightlyLouder_WithinMargin_DoesNotSwitch()
    {
        var detector = new ActiveSpeakerDetector<string>(marginDb: 6);
        Run(detector, 0, 1000, (k, t) => k == "alice" ? Speech : Silence, "alice", "bob");
        var changes = Run(detector, 1000, 5000, (k, t) => k == "alice" ? Speech : Speech - 5, "alice", "bob");
        Assert.Empty(changes);
    }

    [Fact]
    public void NoiseBelowSpeechScore_NeverBecomesDominant()
    {
        var detector = new ActiveSpeakerDetector<string>(floorDbov: 80, speechScore: 10);
        var changes = Run(detector, 0, 3000, (k, t) => 75, "fan"); // 5 dB above the floor
        Assert.Empty(changes);
        Assert.False(detector.HasDominant);
    }

    [Fact]
    public void VoiceFlagClear_CountsAsSilence_UnlessFlagIgnored()
    {
        var strict = new ActiveSpeakerDetector<int>();
        var lenient = new ActiveSpeakerDetector<int>(requireVoiceFlag: false);
        for (long t = 0; t < 1000; t += 20)
        {
            strict.OnAudioLevel(7, Speech, voice: false, t);
            lenient.OnAudioLevel(7, Speech, voice: false, t);
        }

        Assert.False(strict.TryGetChange(1000, out _));
        Assert.Equal(0, strict.GetScore(7, 1000));
        Assert.True(lenient.TryGetChange(1000, out int who));
        Assert.Equal(7, who);
        Assert.Equal(50, lenient.GetScore(7, 990)); // floor 80 - level 30
    }

    [Fact]
    public void RemoveDominant_NextSpeakerIsElectedAtOnce()
    {
        var detector = new ActiveSpeakerDetector<string>();
        Run(detector, 0, 1000, (k, t) => k == "alice" ? Speech : Silence, "alice", "bob");
        Assert.True(detector.Remove("alice"));
        Assert.False(detector.HasDominant);
        Assert.False(detector.Remove("alice"));
        Assert.False(detector.Remove("nobody"));
        var changes = Run(detector, 1000, 2000, (k, t) => Speech, "bob");
        Assert.Equal("bob", Assert.Single(changes).Who);
        Assert.Equal(1, detector.ParticipantCount);
    }

    [Fact]
    public void RemoveChallenger_CancelsTheChallenge()
    {
        var detector = new ActiveSpeakerDetector<string>();
        Run(detector, 0, 1000, (k, t) => k == "alice" ? Speech : Silence, "alice", "bob");
        Run(detector, 1000, 1200, (k, t) => k == "alice" ? Speech : Loud, "alice", "bob");
        Assert.False(detector.Remove("bob"));
        Assert.Empty(Run(detector, 1200, 3000, (k, t) => Speech, "alice"));
        Assert.Equal("alice", detector.Dominant);
    }

    [Fact]
    public void Hostile_RandomLevelsKeysAndClock_NeverThrow()
    {
        var random = new Random(3);
        var detector = new ActiveSpeakerDetector<int>();
        long now = 0;
        int changes = 0;
        for (int i = 0; i < 200_000; i++)
        {
            now += random.Next(-50, 60);
            detector.OnAudioLevel(random.Next(8), random.Next(-1000, 1000), random.Next(2) == 0, now);
            if (detector.TryGetChange(now, out int who))
            {
                changes++;
                Assert.InRange(who, 0, 7);
            }

            if (random.Next(1000) == 0)
            {
                detector.Remove(random.Next(8));
            }
        }

        Assert.True(changes > 0);
    }

    [Fact]
    public void HotPath_DoesNotAllocate()
    {
        var detector = new ActiveSpeakerDetector<string>();
        string[] keys = ["alice", "bob", "carol", "dave"];
        long now = 0;
        for (int i = 0; i < 1000; i++)
        {
            Step(detector, keys, ref now, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            Step(detector, keys, ref now, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Step(ActiveSpeakerDetector<string> detector, string[] keys, ref long now, int i)
        {
            now += 5;
            string key = keys[i & 3];
            detector.OnAudioLevel(key, (i / 2000 & 3) == (i & 3) ? 25 : 90, true, now);
            detector.TryGetChange(now, out _);
        }
    }
}
