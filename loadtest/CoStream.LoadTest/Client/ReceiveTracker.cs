using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.LoadTest.Client;

/// <summary>
/// Receive side of one remote SSRC: loss by sequence number (a 2048-packet ring of "seen" flags
/// over unwrapped numbers), the missing numbers to NACK (at most 3 NACKs each, 30 ms apart, given
/// up after 1 s), and RFC 3550 statistics for receiver reports. Receive thread only; no allocation
/// per packet.
/// </summary>
internal sealed class ReceiveTracker
{
    private const int Window = 2048;
    private const int MaxMissing = 512;
    private const int MaxNacksPerSequence = 3;
    private const long NackIntervalUs = 30_000;
    private const long GiveUpUs = 1_000_000;

    private readonly SequenceUnwrapper _unwrapper = new();
    private readonly bool[] _seen = new bool[Window];
    private readonly long[] _missing = new long[MaxMissing];
    private readonly long[] _missingSinceUs = new long[MaxMissing];
    private readonly long[] _lastNackUs = new long[MaxMissing];
    private readonly byte[] _nackCount = new byte[MaxMissing];
    private int _missingCount;
    private long _highest = -1;

    public ReceiveTracker(uint ssrc, int clockRate)
    {
        Ssrc = ssrc;
        ClockRate = clockRate;
        Statistics = new ReceiveStatistics(ssrc);
    }

    public uint Ssrc { get; }

    public int ClockRate { get; }

    public ReceiveStatistics Statistics { get; }

    /// <summary>Counts one packet; false for a duplicate (or one too old to tell).</summary>
    public bool OnPacket(ushort sequence, uint timestamp, long nowUs, SimPeerStats stats)
    {
        long ext = _unwrapper.Unwrap(sequence);
        Statistics.OnPacket(sequence, timestamp, nowUs, ClockRate);
        if (_highest < 0)
        {
            _highest = ext;
            _seen[ext & (Window - 1)] = true;
            stats.PacketsExpected++;
            stats.UniquePacketsReceived++;
            return true;
        }

        if (ext > _highest)
        {
            long gap = ext - _highest - 1;
            for (long s = Math.Max(_highest + 1, ext - Window + 1); s < ext; s++)
            {
                _seen[s & (Window - 1)] = false;
                if (gap < Window && _missingCount < MaxMissing)
                {
                    _missing[_missingCount] = s;
                    _missingSinceUs[_missingCount] = nowUs;
                    _lastNackUs[_missingCount] = 0;
                    _nackCount[_missingCount] = 0;
                    _missingCount++;
                }
            }

            _seen[ext & (Window - 1)] = true;
            stats.PacketsExpected += ext - _highest;
            stats.UniquePacketsReceived++;
            _highest = ext;
            return true;
        }

        if (_highest - ext >= Window || _seen[ext & (Window - 1)])
        {
            stats.DuplicatePackets++;
            return false;
        }

        _seen[ext & (Window - 1)] = true;
        stats.UniquePacketsReceived++;
        RemoveMissing(ext);
        return true;
    }

    /// <summary>Writes the sequence numbers to NACK now (ascending) and returns how many.</summary>
    public int CollectNacks(long nowUs, Span<ushort> destination)
    {
        int count = 0;
        int write = 0;
        for (int i = 0; i < _missingCount; i++)
        {
            bool expired = nowUs - _missingSinceUs[i] > GiveUpUs || _nackCount[i] >= MaxNacksPerSequence
                || _highest - _missing[i] >= Window;
            if (expired)
            {
                continue;
            }

            if (nowUs - _lastNackUs[i] >= NackIntervalUs && count < destination.Length)
            {
                destination[count++] = (ushort)_missing[i];
                _lastNackUs[i] = nowUs;
                _nackCount[i]++;
            }

            Keep(i, write++);
        }

        _missingCount = write;
        return count;
    }

    private void Keep(int from, int to)
    {
        if (from == to)
        {
            return;
        }

        _missing[to] = _missing[from];
        _missingSinceUs[to] = _missingSinceUs[from];
        _lastNackUs[to] = _lastNackUs[from];
        _nackCount[to] = _nackCount[from];
    }

    private void RemoveMissing(long ext)
    {
        for (int i = 0; i < _missingCount; i++)
        {
            if (_missing[i] == ext)
            {
                for (int j = i + 1; j < _missingCount; j++)
                {
                    Keep(j, j - 1);
                }

                _missingCount--;
                return;
            }
        }
    }
}
