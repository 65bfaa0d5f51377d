using System.Numerics;

namespace CoStream.Sfu.Streams;

/// <summary>
/// Maps a publisher's RTP sequence numbers (the input space) to the numbers one subscriber sees
/// (the output space), so the SFU can leave packets out and change sources without leaving holes
/// the receiver would NACK forever. The idea is mediasoup's <c>SeqManager</c> (an offset plus a
/// record of dropped inputs); this is our own design with a fixed-size window and no allocation.
/// </summary>
/// <remarks>
/// <para><b>Model.</b> The mapper follows one input space at a time (one source: one SSRC, one
/// simulcast layer). It keeps the highest input seen so far (<c>H</c>), an offset, and a bitmap
/// of the inputs in the last <see cref="WindowSize"/> numbers below and at <c>H</c> that were
/// dropped. Output is always <c>input + offset + (number of drops in (input, H])</c> modulo 2^16,
/// which makes the mapping of kept packets strictly increasing and gap-free, whatever order the
/// packets and the drops come in, as long as a drop is decided before any later packet is mapped.</para>
/// <para><b>Newer input</b> (<c>0 &lt; input − H &lt; 2^15</c>): becomes the new <c>H</c>. Any
/// numbers skipped over are presumed lost or late; they keep their own output slots.</para>
/// <para><b>Older input</b> (late, reordered, or a publisher retransmission) within the window and
/// not before the current source's first input: mapped to the same output it would have had in
/// order. Older than the window, or older than the last <see cref="Switch"/>: refused.</para>
/// <para><b>Duplicates</b> map to the same output again (the mapper is a pure function of the
/// number; suppressing duplicates is the caller's choice).</para>
/// <para><b><see cref="Drop"/></b> removes a number from the output space: every later input shifts
/// down by one. It only works for an input newer than <c>H</c>: a packet at or below <c>H</c> may
/// already have later neighbours sent, so removing it could leave a hole; <see cref="Drop"/> then returns false and the caller should forward the packet
/// instead (harmless for padding) or accept the hole.</para>
/// <para><b><see cref="Switch"/></b> starts a new source: the given input maps to the output right
/// after the highest output sent so far, the window is cleared, and every input before it is
/// refused. The mapper knows numbers only: the caller must pass packets of the current source
/// only (filter by SSRC / layer before calling).</para>
/// <para><b>Huge jumps.</b> A newer input up to 2^15 − 1 ahead is followed faithfully (the output
/// jumps as far). Whether such a jump is plausible is for the receive side to judge
/// (<see cref="NackGenerator"/> turns it into a key-frame request).</para>
/// </remarks>
public sealed class SequenceMapper
{
    /// <summary>How far behind the highest input a late packet is still mapped.</summary>
    public const int WindowSize = 2048;

    private const int WindowMask = WindowSize - 1;
    private const int WordCount = WindowSize / 64;

    private readonly ulong[] _dropped = new ulong[WordCount];

    // Output of the first packet of the first source (until something is mapped).
    private ushort _nextOutputBeforeStart;
    private bool _started;
    private bool _switchPending;
    private ushort _highestInput;
    private ushort _offset;
    // Numbers at and below _highestInput that belong to the current source and lie in the window.
    private int _validBehind;

    /// <summary>Creates a mapper whose first kept packet gets output number <paramref name="firstOutput"/>.</summary>
    public SequenceMapper(ushort firstOutput = 1)
    {
        _nextOutputBeforeStart = firstOutput;
        _switchPending = true;
    }

    /// <summary>True once a packet has been mapped or dropped.</summary>
    public bool HasStarted => _started;

    /// <summary>The highest output number handed out so far (meaningful once <see cref="HasOutput"/>).</summary>
    public ushort HighestOutput { get; private set; }

    /// <summary>True once at least one packet has been mapped (an output number has been used).</summary>
    public bool HasOutput { get; private set; }

    /// <summary>The highest input number of the current source (meaningful once <see cref="HasStarted"/>).</summary>
    public ushort HighestInput => _highestInput;

    /// <summary>
    /// Maps <paramref name="input"/> to the subscriber's number. Returns false when the packet must
    /// not be sent: it was dropped, it is older than the current source's first packet, or it is
    /// older than the window.
    /// </summary>
    public bool TryMap(ushort input, out ushort output)
    {
        if (_switchPending)
        {
            Switch(input);
        }

        int forward = (ushort)(input - _highestInput);
        if (forward != 0 && forward < 0x8000)
        {
            Advance(forward);
            output = (ushort)(input + _offset);
            NoteOutput(output);
            return true;
        }

        // forward == 0 is the highest itself; otherwise an older input, 'behind' steps back.
        int behind = forward == 0 ? 0 : 0x10000 - forward;
        if (behind >= _validBehind || IsDropped(input))
        {
            output = 0;
            return false;
        }

        int dropsAfter = behind == 0 ? 0 : CountDropped((ushort)(input + 1), behind);
        output = (ushort)(input + _offset + dropsAfter);
        NoteOutput(output);
        return true;
    }

    /// <summary>
    /// Removes <paramref name="input"/> from the output space so later packets shift down by one.
    /// Returns false (and changes nothing) when that is impossible without a hole: the input is not
    /// newer than the highest input seen; the caller should then forward it or accept the hole.
    /// </summary>
    public bool Drop(ushort input)
    {
        if (_switchPending)
        {
            Switch(input);
        }

        int forward = (ushort)(input - _highestInput);
        if (forward == 0 || forward >= 0x8000)
        {
            return false;
        }

        Advance(forward);
        SetDropped(input);
        _offset--;
        return true;
    }

    /// <summary>
    /// Starts a new source whose first packet is <paramref name="firstInputOfNewSource"/>: it maps
    /// to the output right after the highest one sent so far; older inputs are refused from now on.
    /// Call it when the new source's first packet (usually a key frame) is about to be mapped.
    /// </summary>
    public void Switch(ushort firstInputOfNewSource)
    {
        _switchPending = false;
        _started = true;
        ushort nextOutput = HasOutput ? (ushort)(HighestOutput + 1) : _nextOutputBeforeStart;
        _highestInput = (ushort)(firstInputOfNewSource - 1);
        _offset = (ushort)(nextOutput - firstInputOfNewSource);
        _validBehind = 0;
        Array.Clear(_dropped);
    }

    private void NoteOutput(ushort output)
    {
        if (!HasOutput || (ushort)(output - HighestOutput) is > 0 and < 0x8000)
        {
            HighestOutput = output;
            HasOutput = true;
        }
    }

    private void Advance(int forward)
    {
        if (forward >= WindowSize)
        {
            Array.Clear(_dropped);
        }
        else
        {
            ClearRange((ushort)(_highestInput + 1), forward);
        }

        _highestInput = (ushort)(_highestInput + forward);
        _validBehind = Math.Min(WindowSize, _validBehind + forward);
    }

    private bool IsDropped(ushort input)
    {
        int index = input & WindowMask;
        return (_dropped[index >> 6] & (1UL << (index & 63))) != 0;
    }

    private void SetDropped(ushort input)
    {
        int index = input & WindowMask;
        _dropped[index >> 6] |= 1UL << (index & 63);
    }

    private void ClearRange(ushort start, int count)
    {
        int index = start & WindowMask;
        while (count > 0)
        {
            int bit = index & 63;
            int take = Math.Min(64 - bit, count);
            ulong mask = take == 64 ? ulong.MaxValue : ((1UL << take) - 1) << bit;
            _dropped[index >> 6] &= ~mask;
            count -= take;
            index = (index + take) & WindowMask;
        }
    }

    private int CountDropped(ushort start, int count)
    {
        int index = start & WindowMask;
        int total = 0;
        while (count > 0)
        {
            int bit = index & 63;
            int take = Math.Min(64 - bit, count);
            ulong mask = take == 64 ? ulong.MaxValue : ((1UL << take) - 1) << bit;
            total += BitOperations.PopCount(_dropped[index >> 6] & mask);
            count -= take;
            index = (index + take) & WindowMask;
        }

        return total;
    }
}
