using System.Globalization;
using System.Runtime.InteropServices;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Codecs;

/// <summary>
/// One libx264 encoder opened directly (see <see cref="X264"/>): the same parameters libavcodec's wrapper would set for
/// a <see cref="VideoEncoderOptions"/> (preset and tune, ABR bitrate, GOP, time base 1/fps, Annex B with headers before
/// every keyframe, forced keyframes as IDR), plus, when <see cref="VideoEncoderOptions.SkipUnchangedMacroblocks"/>,
/// <c>X264_MBINFO_CONSTANT</c> on every macroblock that a <see cref="MacroblockChangeMap"/> finds bit-identical to the
/// previous frame. x264 then codes such a macroblock as a skip without analysing it — but only when its reference is the
/// previous frame and that frame coded it at a quantiser no worse than the current one; otherwise it analyses it as
/// usual, so a hint can cost speed, never quality. Not thread-safe.
/// </summary>
internal sealed unsafe class X264Session : IDisposable
{
    private IntPtr _encoder;
    private readonly byte* _picture;
    private readonly byte* _pictureOut;
    private readonly MacroblockChangeMap? _changes;
    private readonly VideoEncoderOptions _options;

    /// <summary>Macroblocks hinted constant / macroblocks encoded, over the session.</summary>
    public long MacroblocksHinted { get; private set; }
    public long MacroblocksEncoded { get; private set; }

    private X264Session(IntPtr encoder, VideoEncoderOptions options)
    {
        _encoder = encoder;
        _options = options;
        _picture = (byte*)NativeMemory.AllocZeroed(X264Layout.PictureSize);
        _pictureOut = (byte*)NativeMemory.AllocZeroed(X264Layout.PictureSize);
        X264.x264_picture_init((IntPtr)_picture);
        *(int*)(_picture + X264Layout.PictureCsp) = X264.CspI420;
        *(int*)(_picture + X264Layout.PicturePlaneCount) = 3;
        var strides = (int*)(_picture + X264Layout.PictureStrides);
        strides[0] = options.Width;
        strides[1] = strides[2] = options.Width / 2;
        if (options.SkipUnchangedMacroblocks) _changes = new MacroblockChangeMap(options.Width, options.Height);
    }

    /// <summary>Whether this machine's libx264 is build 164 with the layout this binding expects; the reason when not.</summary>
    public static bool IsAvailable(out string? reason)
    {
        if (!NativeLibraries.TryLoad(NativeLibraries.X264, out reason)) return false;
        lock (VerifyLock)
        {
            _verified ??= X264Layout.Verify() ?? "";
            reason = _verified.Length == 0 ? null : _verified;
            return reason == null;
        }
    }

    private static readonly object VerifyLock = new();
    private static string? _verified;

    public static X264Session? TryOpen(VideoEncoderOptions o, out string? reason)
    {
        if (!IsAvailable(out reason)) return null;
        var p = (byte*)NativeMemory.AllocZeroed(X264Layout.ParamSize);
        try
        {
            var tune = string.IsNullOrEmpty(o.Tune) ? null : o.Tune;
            if (X264.x264_param_default_preset((IntPtr)p, o.Preset, tune) < 0)
            {
                reason = $"x264 does not know preset {o.Preset} / tune {tune}";
                return null;
            }
            var inv = CultureInfo.InvariantCulture;
            (string, string)[] named =
            [
                ("threads", o.Threads.ToString(inv)),
                ("keyint", o.EffectiveGop.ToString(inv)),
                ("min-keyint", o.EffectiveGop.ToString(inv)),
                ("bframes", "0"),
                ("bitrate", Math.Max(1, o.BitrateBitsPerSecond / 1000).ToString(inv)),
                ("fps", o.Fps.ToString(inv) + "/1"),
                ("annexb", "1"),
                ("repeat-headers", "1"),
                ("log", X264.LogError.ToString(inv)),
            ];
            foreach (var (name, value) in named)
            {
                var rc = X264.x264_param_parse((IntPtr)p, name, value);
                if (rc != 0) { reason = $"x264 option {name}={value} refused ({rc})"; return null; }
            }
            if (!o.SceneCutKeyframes && X264.x264_param_parse((IntPtr)p, "scenecut", "0") != 0) { reason = "x264 option scenecut refused"; return null; }
            if (o.SkipUnchangedMacroblocks)
            {
                // x264 reads a frame's hints while it encodes that frame, so it must not hold frames back: no lookahead, a
                // constant frame rate (with variable-rate input it waits for the next frame's timestamp), and slices rather
                // than frames across threads — what the zero-latency tune sets anyway.
                foreach (var (name, value) in new[] { ("rc-lookahead", "0"), ("sync-lookahead", "0"), ("force-cfr", "1"), ("sliced-threads", "1") })
                    if (X264.x264_param_parse((IntPtr)p, name, value) != 0) { reason = $"x264 option {name} refused"; return null; }
            }
            *(int*)(p + X264Layout.ParamWidth) = o.Width;
            *(int*)(p + X264Layout.ParamHeight) = o.Height;
            *(int*)(p + X264Layout.ParamCsp) = X264.CspI420;
            *(uint*)(p + X264Layout.ParamTimebaseNum) = 1;
            *(uint*)(p + X264Layout.ParamTimebaseDen) = (uint)o.Fps;
            *(int*)(p + X264Layout.ParamMbInfo) = o.SkipUnchangedMacroblocks ? 1 : 0;
            *(int*)(p + X264Layout.ParamMbInfoUpdate) = 0;
            var encoder = X264.x264_encoder_open_164((IntPtr)p);
            if (encoder == IntPtr.Zero) { reason = "x264_encoder_open refused the parameters"; return null; }
            reason = null;
            return new X264Session(encoder, o);
        }
        finally
        {
            NativeMemory.Free(p);
        }
    }

    /// <summary>Encodes one frame; appends what came out (with zero-latency tuning, this frame's access unit).</summary>
    public CodecResult Encode(I420Frame frame, bool forceKeyframe, EncodedFrames output)
    {
        ObjectDisposedException.ThrowIf(_encoder == IntPtr.Zero, this);
        byte* mbInfo = null;
        if (_changes != null)
        {
            // On a forced keyframe the hints are useless (x264 reads them only for P-frames) and the next frame must be
            // compared with this one, which Update also arranges.
            var constant = _changes.Update(frame);
            if (constant > 0 && !forceKeyframe) MacroblocksHinted += constant;
        }
        MacroblocksEncoded += (long)((_options.Width + 15) / 16) * ((_options.Height + 15) / 16);
        fixed (byte* buffer = frame.Buffer)
        fixed (byte* constant = _changes?.Constant)
        {
            var planes = (byte**)(_picture + X264Layout.PicturePlanes);
            var lumaSize = frame.Width * frame.Height;
            var chromaSize = frame.ChromaWidth * frame.ChromaHeight;
            planes[0] = buffer;
            planes[1] = buffer + lumaSize;
            planes[2] = buffer + lumaSize + chromaSize;
            mbInfo = _changes != null && !forceKeyframe ? constant : null;
            *(byte**)(_picture + X264Layout.PictureMbInfo) = mbInfo;
            *(int*)(_picture + X264Layout.PictureType) = forceKeyframe ? X264.TypeIdr : X264.TypeAuto;
            *(long*)(_picture + X264Layout.PicturePts) = frame.Pts;
            var size = X264.x264_encoder_encode(_encoder, out var nals, out var count, (IntPtr)_picture, (IntPtr)_pictureOut);
            *(byte**)(_picture + X264Layout.PictureMbInfo) = null;
            if (size < 0)
            {
                // x264 did not take the frame: the next frame's hints must not be relative to it.
                _changes?.Reset();
                return CodecResult.Refused($"x264_encoder_encode returned {size}", size);
            }
            if (mbInfo != null && X264.x264_encoder_delayed_frames(_encoder) > 0)
            {
                // The hints are read while the frame is encoded; a frame x264 holds back would read them after this
                // call, from a buffer already rewritten. Not possible with the zero-latency settings we open; refuse loudly.
                _changes!.Reset();
                return CodecResult.Refused("x264 is holding frames back; macroblock hints need zero-latency settings");
            }
            Collect(nals, count, size, output);
            return CodecResult.Success;
        }
    }

    /// <summary>Drains the frames x264 still holds (none with zero-latency settings).</summary>
    public CodecResult Flush(EncodedFrames output)
    {
        ObjectDisposedException.ThrowIf(_encoder == IntPtr.Zero, this);
        while (X264.x264_encoder_delayed_frames(_encoder) > 0)
        {
            var size = X264.x264_encoder_encode(_encoder, out var nals, out var count, IntPtr.Zero, (IntPtr)_pictureOut);
            if (size < 0) return CodecResult.Refused($"x264_encoder_encode(flush) returned {size}", size);
            Collect(nals, count, size, output);
        }
        return CodecResult.Success;
    }

    private void Collect(IntPtr nals, int count, int size, EncodedFrames output)
    {
        if (size <= 0 || count <= 0) return;
        // x264 guarantees the payloads of one call's NAL units lie back to back in memory: the first one's start and
        // the call's total size are the whole access unit.
        var first = *(byte**)((byte*)nals + X264Layout.NalPayload);
        output.Add(new ReadOnlySpan<byte>(first, size),
            *(long*)(_pictureOut + X264Layout.PicturePts),
            *(long*)(_pictureOut + X264Layout.PictureDts),
            *(int*)(_pictureOut + X264Layout.PictureKeyframe) != 0);
    }

    public void Dispose()
    {
        if (_encoder == IntPtr.Zero) return;
        X264.x264_encoder_close(_encoder);
        _encoder = IntPtr.Zero;
        NativeMemory.Free(_picture);
        NativeMemory.Free(_pictureOut);
    }
}
