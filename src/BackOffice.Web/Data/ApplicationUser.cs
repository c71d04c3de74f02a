using Microsoft.AspNetCore.Identity;

namespace BackOffice.Web.Data;

public sealed class ApplicationUser : IdentityUser;
