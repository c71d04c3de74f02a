using System.Net;
using System.Text;

namespace BackOffice.Klarna.Tests.Infrastructure;

/// <summary>An HTTP stand-in: records what was sent and answers from a script, in order (the last answer repeats).</summary>
public sealed class ScriptedHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] answers) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, byte[] Body)> Sent { get; } = [];

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Latin1(string xml) =>
        (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Encoding.Latin1.GetBytes(xml)) });

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Status(HttpStatusCode status) =>
        (_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent("upstream trouble") });

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throws(Exception exception) => (_, _) => throw exception;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Sent.Add((request, body));
        return await answers[Math.Min(Sent.Count, answers.Length) - 1](request, cancellationToken);
    }
}
