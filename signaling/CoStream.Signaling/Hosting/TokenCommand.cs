using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Hosting;

/// <summary><c>token --room R --participant P --role anchor|guest|audience|service [--minutes N]</c>: prints a room token.</summary>
public static class TokenCommand
{
    public static int Run(string[] args)
    {
        string? room = null, participant = null, role = null;
        var minutes = 60.0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--room": room = args[i + 1]; break;
                case "--participant": participant = args[i + 1]; break;
                case "--role": role = args[i + 1]; break;
                case "--minutes": minutes = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
        if (room is null || participant is null || !Enum.TryParse<ParticipantRole>(role, true, out var r))
        {
            Console.Error.WriteLine("usage: token --room R --participant P --role anchor|guest|audience|service [--minutes N]");
            return 2;
        }
        var config = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var service = new RoomTokenService(TokenSecret.Load(config));
        Console.WriteLine(service.Issue(room, participant, r, TimeSpan.FromMinutes(minutes)));
        return 0;
    }
}
