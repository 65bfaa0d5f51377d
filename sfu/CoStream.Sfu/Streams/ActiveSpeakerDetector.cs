using System.Diagnostics.CodeAnalysis;

namespace CoStream.Sfu.Streams;

/// <summary>
/// Picks the dominant speaker of a room from the audio levels publishers put in their packets
/// (RFC 6464 client-to-mixer audio level: 0..127 meaning −dBov, plus a voice-activity flag).
/// </summary>
/// <remarks>
/// <para><b>Idea.</b> A simplified form of the dominant speaker identification of I. Volfin and
/// I. Cohen, "Dominant speaker identification for multipoint videoconferencing" (Computer Speech
/// &amp; Language 27(4), 2013), the method Jitsi's videobridge uses. They score speech activity on
/// several time scales and switch only when a challenger beats the current dominant speaker
/// consistently, so that a cough, a short interjection or background noise does not steal the
/// floor. We keep that principle with a much simpler score (the level above a floor, not their
/// likelihood ratios):</para>
/// <list type="number">
/// <item>Each packet gives an activity <c>a = max(0, floorDbov − level)</c> (dB above the floor),
/// or 0 when the packet's voice flag is clear (unless told to ignore the flag).</item>
/// <item>Time is cut into 100 ms buckets; a bucket's value is the mean activity of its packets,
/// and a bucket without packets (DTX: the sender is silent) counts as 0.</item>
/// <item>A participant's score is the mean of the last 3 buckets (~300 ms); it is speaking when the
/// score reaches <c>speechScore</c> and its latest bucket (the current one, or the previous one
/// while the current has no packet yet) does too, so a short burst stops counting as soon as it
/// ends rather than when it leaves the 300 ms window.</item>
/// <item>With no dominant speaker, the loudest speaking participant becomes dominant at once.</item>
/// <item>Otherwise the loudest speaking participant other than the dominant one challenges when its
/// score exceeds the dominant's by <c>marginDb</c>; it takes over once it has been the
/// challenger continuously for <c>holdMs</c> (default 300 ms). Silence never takes over: the
/// dominant speaker stays dominant until someone else speaks.</item>
/// </list>
/// <para>Call <see cref="TryGetChange"/> often (every packet or every 20–100 ms): "continuously"
/// means at every call. Not thread-safe. Participants are added on their first packet; the
/// caller removes them when they leave.</para>
/// </remarks>
public sealed class ActiveSpeakerDetector<TKey> where TKey : notnull
{
    public const int BucketMs = 100;
    private const int BucketCount = 4; // 3 scored + the one being replaced
    private const int ScoredBuckets = 3;
    private const int MaxPacketsPerBucket = 1 << 20;

    private readonly Dictionary<TKey, Speaker> _speakers = new();
    private readonly int _floorDbov;
    private readonly int _speechScore;
    private readonly int _marginDb;
    private readonly int _holdMs;
    private readonly bool _requireVoiceFlag;
    private bool _hasDominant;
    private TKey _dominant = default!;
    private bool _hasChallenger;
    private TKey _challenger = default!;
    private long _challengeSinceMs;

    private sealed class Speaker
    {
        public readonly long[] BucketId = [-1, -1, -1, -1];
        public readonly int[] Sum = new int[BucketCount];
        public readonly int[] Count = new int[BucketCount];
    }

    public ActiveSpeakerDetector(int floorDbov = 80, int speechScore = 10, int marginDb = 6, int holdMs = 300, bool requireVoiceFlag = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(floorDbov);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(floorDbov, 127);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speechScore);
        ArgumentOutOfRangeException.ThrowIfNegative(marginDb);
        ArgumentOutOfRangeException.ThrowIfNegative(holdMs);
        _floorDbov = floorDbov;
        _speechScore = speechScore;
        _marginDb = marginDb;
        _holdMs = holdMs;
        _requireVoiceFlag = requireVoiceFlag;
    }

    public int ParticipantCount => _speakers.Count;
    public bool HasDominant => _hasDominant;

    /// <summary>The current dominant speaker (meaningful when <see cref="HasDominant"/>).</summary>
    public TKey? Dominant => _hasDominant ? _dominant : default;

    /// <summary>Feeds one audio packet's level (0 = loudest, 127 = silence) and voice flag.</summary>
    public void OnAudioLevel(TKey participant, int levelDbov, bool voice, long nowMs)
    {
        if (!_speakers.TryGetValue(participant, out Speaker? speaker))
        {
            speaker = new Speaker();
            _speakers.Add(participant, speaker);
        }

        int level = Math.Clamp(levelDbov, 0, 127);
        int activity = voice || !_requireVoiceFlag ? Math.Max(0, _floorDbov - level) : 0;
        long id = BucketOf(nowMs);
        int slot = (int)(id % BucketCount);
        if (speaker.BucketId[slot] != id)
        {
            if (speaker.BucketId[slot] > id)
            {
                return; // a packet from a bucket already overwritten (clock went back): ignore
            }

            speaker.BucketId[slot] = id;
            speaker.Sum[slot] = 0;
            speaker.Count[slot] = 0;
        }

        if (speaker.Count[slot] >= MaxPacketsPerBucket)
        {
            return; // far beyond any real packet rate: keep the sum from overflowing
        }

        speaker.Sum[slot] += activity;
        speaker.Count[slot]++;
    }

    /// <summary>Forgets a participant; returns true when it was the dominant speaker (there is none until someone speaks).</summary>
    public bool Remove(TKey participant)
    {
        if (!_speakers.Remove(participant))
        {
            return false;
        }

        var comparer = EqualityComparer<TKey>.Default;
        if (_hasChallenger && comparer.Equals(_challenger, participant))
        {
            _hasChallenger = false;
            _challenger = default!;
        }

        if (_hasDominant && comparer.Equals(_dominant, participant))
        {
            _hasDominant = false;
            _dominant = default!;
            return true;
        }

        return false;
    }

    /// <summary>The participant's current score (mean dB above the floor over ~300 ms).</summary>
    public int GetScore(TKey participant, long nowMs) =>
        _speakers.TryGetValue(participant, out Speaker? speaker) ? Score(speaker, BucketOf(nowMs)) : 0;

    /// <summary>Evaluates the room; true with the new dominant speaker when it changed.</summary>
    public bool TryGetChange(long nowMs, [MaybeNullWhen(false)] out TKey dominant)
    {
        long current = BucketOf(nowMs);
        var comparer = EqualityComparer<TKey>.Default;
        int dominantScore = 0;
        bool found = false;
        TKey loudest = default!;
        int loudestScore = 0;
        foreach (KeyValuePair<TKey, Speaker> pair in _speakers)
        {
            int score = Score(pair.Value, current);
            if (_hasDominant && comparer.Equals(pair.Key, _dominant))
            {
                dominantScore = score;
                continue;
            }

            if (score >= _speechScore && (!found || score > loudestScore) && IsActiveNow(pair.Value, current))
            {
                found = true;
                loudest = pair.Key;
                loudestScore = score;
            }
        }

        if (found && !_hasDominant)
        {
            return Elect(loudest, out dominant);
        }

        if (!found || loudestScore <= dominantScore + _marginDb)
        {
            _hasChallenger = false;
            dominant = default;
            return false;
        }

        if (!_hasChallenger || !comparer.Equals(_challenger, loudest))
        {
            _hasChallenger = true;
            _challenger = loudest;
            _challengeSinceMs = nowMs;
        }

        if (nowMs - _challengeSinceMs >= _holdMs)
        {
            return Elect(loudest, out dominant);
        }

        dominant = default;
        return false;
    }

    private bool Elect(TKey winner, out TKey dominant)
    {
        _hasDominant = true;
        _dominant = winner;
        _hasChallenger = false;
        _challenger = default!;
        dominant = winner;
        return true;
    }

    private static long BucketOf(long nowMs) => Math.Max(0, nowMs) / BucketMs;

    private bool IsActiveNow(Speaker speaker, long current)
    {
        int slot = (int)(current % BucketCount);
        if (speaker.BucketId[slot] == current && speaker.Count[slot] > 0)
        {
            return speaker.Sum[slot] / speaker.Count[slot] >= _speechScore;
        }

        long previous = current - 1;
        slot = (int)((previous + BucketCount) % BucketCount);
        return previous >= 0 && speaker.BucketId[slot] == previous && speaker.Count[slot] > 0
            && speaker.Sum[slot] / speaker.Count[slot] >= _speechScore;
    }

    private static int Score(Speaker speaker, long current)
    {
        int total = 0;
        for (long id = current - ScoredBuckets + 1; id <= current; id++)
        {
            if (id < 0)
            {
                continue;
            }

            int slot = (int)(id % BucketCount);
            if (speaker.BucketId[slot] == id && speaker.Count[slot] > 0)
            {
                total += speaker.Sum[slot] / speaker.Count[slot];
            }
        }

        return total / ScoredBuckets;
    }
}
