using System.Globalization;

namespace BackOffice.Computop;

/// <summary>A message to or from Paygate: <c>MerchantID</c>, <c>Len</c> and <c>Data</c>, the fields inside Data encrypted.</summary>
public static class PaygateMessage
{
    /// <summary>The form fields of a request: the MerchantID in the clear and inside Data, with the request's MAC.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Seal(PaygateCredentials credentials, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var (len, data) = PaygateCipher.Encrypt(PaygateFields.Write(fields), credentials.BlowfishPassword);
        return [new("MerchantID", credentials.MerchantId), new("Len", len.ToString(CultureInfo.InvariantCulture)), new("Data", data)];
    }

    /// <summary>The fields of a message: decrypted when it carries Len and Data, as they are when Paygate answered in the clear.</summary>
    public static IReadOnlyDictionary<string, string> Open(IReadOnlyDictionary<string, string> message, string blowfishPassword)
    {
        if (!message.TryGetValue("Data", out var data) || data.Length == 0)
            return message;
        if (!message.TryGetValue("Len", out var lenText) || !int.TryParse(lenText, NumberStyles.None, CultureInfo.InvariantCulture, out var len))
            throw new PaygateMessageException("A message with Data needs its Len.");
        return PaygateFields.Read(PaygateCipher.Decrypt(data, len, blowfishPassword));
    }

    /// <summary>
    /// A notification (URLNotify) read and proven: decrypted with the merchant's password, its <c>mid</c> the merchant's,
    /// its MAC right. Anything else is refused: Data from a failure URL replayed, a forgery, another merchant's.
    /// </summary>
    public static PaygateAnswer ReadNotification(PaygateCredentials credentials, IReadOnlyDictionary<string, string> form)
    {
        var answer = new PaygateAnswer(Open(form, credentials.BlowfishPassword));
        if (!string.Equals(answer.MerchantId, credentials.MerchantId, StringComparison.Ordinal))
            throw new PaygateMessageException($"The notification is for merchant '{answer.MerchantId}', not '{credentials.MerchantId}'.");
        var expected = PaygateMac.OfResult(credentials.HmacKey, answer.PayId, answer.TransId, credentials.MerchantId, answer.Status, answer.Code);
        if (!PaygateMac.Matches(expected, answer.Mac))
            throw new PaygateMessageException("The notification's MAC is wrong or missing.");
        return answer;
    }
}
