using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BackOffice.Web.Data;

public sealed class BackOfficeDbContext(DbContextOptions<BackOfficeDbContext> options)
    : IdentityDbContext<ApplicationUser>(options);
