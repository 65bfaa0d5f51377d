using CoStream.Signaling.Auth;
using CoStream.Signaling.Hosting;

// `CoStream.Signaling token --room R --participant P --role anchor [--minutes 60]` prints a room token and exits.
if (args.Length > 0 && args[0] == "token")
    return TokenCommand.Run(args[1..]);

var app = CoStreamHost.Build(args);
app.Run();
return 0;
