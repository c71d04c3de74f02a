using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BackOffice.Web.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on a loopback port, as much of one as a mail client needs to deliver (RFC 5321 without
/// extensions): every message it is given is kept whole, so a test reads the mail the app sent.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    public SmtpListener()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>The settings that send the app's mail here.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AppSettings =>
    [
        new("Email:Smtp:Host", "127.0.0.1"),
        new("Email:Smtp:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Email:Smtp:Security", "None"),
        new("Email:PickupDirectory", ""),
    ];

    /// <summary>Waits until <paramref name="count"/> messages have arrived, and answers them.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Messages.Count < count && DateTime.UtcNow < until)
            await Task.Delay(50);
        Assert.True(Messages.Count >= count, $"{Messages.Count} of {count} mails arrived.");
        return [.. Messages];
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 test SMTP ready");
            while (await reader.ReadLineAsync(stopping.Token) is { } line)
            {
                var command = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (command)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 test");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var message = new StringBuilder();
                        while (await reader.ReadLineAsync(stopping.Token) is { } data && data != ".")
                            message.AppendLine(data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data);
                        Messages.Enqueue(message.ToString());
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }
            }
        }
    }
}
