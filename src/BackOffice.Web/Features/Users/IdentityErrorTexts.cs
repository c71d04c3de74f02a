using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace BackOffice.Web.Features.Users;

/// <summary>Identity's refusals (password rules, a taken address, a broken link) in the reader's language.</summary>
public sealed class IdentityErrorTexts(IStringLocalizer<Texts> texts) : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) =>
        new() { Code = nameof(PasswordTooShort), Description = texts["A password has at least {0} characters.", length] };

    public override IdentityError PasswordMismatch() =>
        new() { Code = nameof(PasswordMismatch), Description = texts["The password is not right."] };

    public override IdentityError InvalidToken() =>
        new() { Code = nameof(InvalidToken), Description = texts["This link has expired or was used already. Ask an administrator for a new one."] };

    public override IdentityError DuplicateEmail(string email) =>
        new() { Code = nameof(DuplicateEmail), Description = texts["There is a user {0} already.", email] };

    public override IdentityError DuplicateUserName(string userName) =>
        new() { Code = nameof(DuplicateUserName), Description = texts["There is a user {0} already.", userName] };

    public override IdentityError InvalidEmail(string? email) =>
        new() { Code = nameof(InvalidEmail), Description = texts["'{0}' is not an e-mail address.", email ?? ""] };
}
