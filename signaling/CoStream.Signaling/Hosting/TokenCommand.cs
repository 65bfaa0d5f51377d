using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Hosting;

/// <summary><c>token --room R --participant P --role anchor|guest|audience|service [--minutes N] [--segments a,b]</c>: prints a room token.</summary>
public static class TokenCommand
{
    public static int Run(string[] args)
    {
        string? room = null, participant = null, role = null, segments = null;
        var minutes = 60.0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--room": room = args[i + 1]; break;
                case "--participant": participant = args[i + 1]; break;
                case "--role": role = args[i + 1]; break;
                case "--segments": segments = args[i + 1]; break;
                case "--minutes": minutes = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        var segmentList = SegmentList.Parse(segments);
        if (room is null || participant is null || !Enum.TryParse<ParticipantRole>(role, true, out var r)
            || !RoomTokenService.IsValidId(room) || !RoomTokenService.IsValidId(participant) || !RoomTokenService.AreValidSegments(segmentList))
        {
            Console.Error.WriteLine("usage: token --room R --participant P --role anchor|guest|audience|service [--minutes N] [--segments a,b]");
            return 2;
        }
        var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var service = new RoomTokenService(TokenSecret.Load(config));
        Console.WriteLine(service.Issue(room, participant, r, TimeSpan.FromMinutes(minutes), segmentList));
        return 0;
    }
}

/// <summary>Parses a comma-separated segment list (<c>new-follower,vip</c>) as the token CLI and /dev/token take it.</summary>
public static class SegmentList
{
    public static string[] Parse(string? commaSeparated) =>
        string.IsNullOrWhiteSpace(commaSeparated)
            ? []
            : commaSeparated.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
