using System.Net;
using System.Text;

namespace BackOffice.KlarnaRest.Tests;

/// <summary>Answers each request with the next scripted answer (a response or an exception) and records what was sent.</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> answers = new();

    public List<SentRequest> Sent { get; } = [];

    public ScriptedHandler Answer(HttpStatusCode status, string? json = null, params (string Name, string Value)[] headers)
    {
        answers.Enqueue(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json ?? "", Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
                response.Headers.TryAddWithoutValidation(name, value);
            return response;
        });
        return this;
    }

    public ScriptedHandler Throw(Exception exception)
    {
        answers.Enqueue(_ => throw exception);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Sent.Add(new SentRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(),
            request.Headers.TryGetValues("Klarna-Idempotency-Key", out var keys) ? keys.Single() : null, body,
            request.Headers.TryGetValues("KeyId", out var keyIds) ? keyIds.Single() : null));
        return answers.Dequeue()(request);
    }
}

internal sealed record SentRequest(HttpMethod Method, Uri Uri, string? Authorization, string? IdempotencyKey, string? Body, string? KeyId = null);
