using CoStream.Mixer.Ingest;
using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Mixer.Tests.Ingest;

/// <summary>
/// RTP timestamp → room media clock (<see cref="TrackClock"/>): RFC 3550 §6.4.1 sender reports line up the
/// tracks of one sender; without them each track is anchored on its own arrivals; in every case the output
/// never goes back, survives the 32-bit timestamp wrap and follows a sender clock that drifts.
/// </summary>
public class TrackClockTests
{
    private const double NtpBaseUnixMs = 1_790_000_000_000; // some afternoon in 2026

    /// <summary>A simulated sender: one crystal (running <paramref name="ppm"/> fast) drives its NTP and RTP clocks.</summary>
    private sealed class Sender(double ppm, uint videoBase, uint audioBase)
    {
        public double SenderSeconds(double trueMs) => trueMs / 1000.0 * (1 + ppm * 1e-6);
        public ulong Ntp(double trueMs) => NtpTime.FromUnixMicroseconds((long)((NtpBaseUnixMs + SenderSeconds(trueMs) * 1000) * 1000));
        public uint Video(double trueMs) => unchecked(videoBase + (uint)(long)(SenderSeconds(trueMs) * 90000));
        public uint Audio(double trueMs) => unchecked(audioBase + (uint)(long)(SenderSeconds(trueMs) * 48000));
    }

    [Fact]
    public void Rfc3550_6_4_1_WithoutSenderReports_AnchorsOnArrival_IgnoresJitter_AndSurvivesTheTimestampWrap()
    {
        var clock = new TrackClock(90000, new ClockOffsetEstimator());
        var random = new Random(3);
        uint start = uint.MaxValue - 90000 * 2; // wraps after 2 s
        long last = long.MinValue;
        for (var i = 0; i < 300; i++) // 10 s at 30 fps
        {
            var trueMs = i * 100.0 / 3;
            var arrival = 1000 + trueMs + 5 + random.NextDouble() * 20; // 5 ms transit + up to 20 ms jitter
            var ms = clock.ToMediaMs(unchecked(start + (uint)(i * 3000)), arrival);
            Assert.True(ms >= last, $"went back at frame {i}: {ms} < {last}");
            last = ms;
            if (i > 30) Assert.InRange(ms, 1000 + trueMs + 4, 1000 + trueMs + 7); // the least transit, not the jitter
        }
        Assert.False(clock.UsesSenderReports);
    }

    [Fact]
    public void Rfc3550_6_4_1_SenderReports_LineUpAudioAndVideoOfOneSender_WhereArrivalAloneWouldNot()
    {
        var sender = new Sender(0, 0xF000_0000, 12345);
        var participant = new ClockOffsetEstimator();
        var video = new TrackClock(90000, participant);
        var audio = new TrackClock(48000, participant);
        var videoAlone = new TrackClock(90000, new ClockOffsetEstimator());
        var audioAlone = new TrackClock(48000, new ClockOffsetEstimator());
        video.OnSenderReport(sender.Ntp(0), sender.Video(0));
        audio.OnSenderReport(sender.Ntp(0), sender.Audio(0));
        var random = new Random(5);
        var worstAligned = 0.0;
        var worstAlone = 0.0;
        for (var i = 1; i < 500; i++)
        {
            var trueMs = i * 20.0; // a video and an audio frame captured together every 20 ms
            var audioArrival = trueMs + 3 + random.NextDouble() * 5;
            var videoArrival = trueMs + 18 + random.NextDouble() * 25; // bigger frames: more transit and pacing
            var a = audio.ToMediaMs(sender.Audio(trueMs), audioArrival);
            var v = video.ToMediaMs(sender.Video(trueMs), videoArrival);
            var aAlone = audioAlone.ToMediaMs(sender.Audio(trueMs), audioArrival);
            var vAlone = videoAlone.ToMediaMs(sender.Video(trueMs), videoArrival);
            if (i > 50)
            {
                worstAligned = Math.Max(worstAligned, Math.Abs(v - a));
                worstAlone = Math.Max(worstAlone, Math.Abs(vAlone - aAlone));
            }
        }
        Assert.True(video.UsesSenderReports && audio.UsesSenderReports);
        Assert.True(worstAligned <= 2, $"audio and video of one capture instant {worstAligned} ms apart");
        Assert.True(worstAlone >= 10, $"arrival-only mapping was expected to be off by the video's extra transit, was {worstAlone} ms");
    }

    [Theory]
    [InlineData(200)]
    [InlineData(-200)]
    public void SenderClockDrift_IsFollowed_WithAndWithoutSenderReports_AndNeverGoesBack(double ppm)
    {
        var sender = new Sender(ppm, uint.MaxValue - 1000, uint.MaxValue - 500); // both wrap at once
        var withReports = new TrackClock(48000, new ClockOffsetEstimator());
        var without = new TrackClock(48000, new ClockOffsetEstimator());
        var random = new Random(9);
        long lastWith = long.MinValue, lastWithout = long.MinValue;
        for (var i = 0; i < 30_000; i++) // 10 minutes of 20 ms audio
        {
            var trueMs = i * 20.0;
            if (i % 250 == 0) withReports.OnSenderReport(sender.Ntp(trueMs), sender.Audio(trueMs)); // an SR every 5 s
            var arrival = 500 + trueMs + 10 + random.NextDouble() * 8;
            var a = withReports.ToMediaMs(sender.Audio(trueMs), arrival);
            var b = without.ToMediaMs(sender.Audio(trueMs), arrival);
            Assert.True(a >= lastWith && b >= lastWithout, $"went back at {i}");
            (lastWith, lastWithout) = (a, b);
            // After the start, within a few ms of "capture + least transit" (120 ms of drift over 10 min otherwise).
            if (i > 100)
            {
                Assert.InRange(a, 500 + trueMs + 10 - 8, 500 + trueMs + 10 + 2);
                Assert.InRange(b, 500 + trueMs + 10 - 8, 500 + trueMs + 10 + 2);
            }
        }
    }

    [Fact]
    public void FirstSenderReportArrivingLate_DoesNotMakeTimeGoBack()
    {
        var sender = new Sender(0, 1000, 0);
        var clock = new TrackClock(90000, new ClockOffsetEstimator());
        long last = long.MinValue;
        for (var i = 0; i < 200; i++)
        {
            var trueMs = i * 33.0;
            // A sender report whose NTP says capture happened 40 ms earlier than arrival-anchoring assumed.
            if (i == 100) clock.OnSenderReport(sender.Ntp(trueMs - 40), sender.Video(trueMs));
            var ms = clock.ToMediaMs(sender.Video(trueMs), trueMs + 5);
            Assert.True(ms >= last, $"went back at {i}");
            last = ms;
        }
    }

    [Fact]
    public void ClockOffsetEstimator_TakesTheLeastTransit_AndRisesAtMostAtItsLeak()
    {
        var estimator = new ClockOffsetEstimator(leakMsPerSecond: 1);
        Assert.Equal(10, estimator.Observe(0, 10));
        Assert.Equal(11.02, estimator.Observe(1000, 1030), 6);     // a jittery sample (transit 30) raises it only by the leak: 1.02 s → +1.02 ms
        Assert.Equal(5, estimator.Observe(2000, 2005));            // a quicker one lowers it at once
        Assert.Equal(6.095, estimator.Observe(3000, 3100), 6);     // 1.095 s later: +1.095 ms, not 100
    }
}
