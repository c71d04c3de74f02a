# Build: docker build -t klarna-backoffice .
# Run (Production; see the README for the key-ring certificate and the TLS proxy):
#        docker run -p 8080:8080 -v backoffice-data:/app/App_Data -v /srv/backoffice/keyring.pfx:/app/keyring.pfx:ro \
#          -e DataProtection__Certificate__Path=/app/keyring.pfx -e DataProtection__Certificate__Password='...' \
#          -e App__PublicBaseUrl=https://backoffice.shop.example/ \
#          -e Seed__AdminEmail=you@shop.example -e Seed__AdminPassword='...' klarna-backoffice
#        Several instances: add -e Database__Provider=PostgreSql -e ConnectionStrings__BackOffice='Host=...;Database=...'
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/BackOffice.Klarna/BackOffice.Klarna.csproj src/BackOffice.Klarna/
COPY src/BackOffice.Klarna.Sandbox/BackOffice.Klarna.Sandbox.csproj src/BackOffice.Klarna.Sandbox/
COPY src/BackOffice.Computop/BackOffice.Computop.csproj src/BackOffice.Computop/
COPY src/BackOffice.Computop.Sandbox/BackOffice.Computop.Sandbox.csproj src/BackOffice.Computop.Sandbox/
COPY src/BackOffice.KlarnaRest/BackOffice.KlarnaRest.csproj src/BackOffice.KlarnaRest/
COPY src/BackOffice.KlarnaRest.Sandbox/BackOffice.KlarnaRest.Sandbox.csproj src/BackOffice.KlarnaRest.Sandbox/
COPY src/BackOffice.ECommPay/BackOffice.ECommPay.csproj src/BackOffice.ECommPay/
COPY src/BackOffice.ECommPay.Sandbox/BackOffice.ECommPay.Sandbox.csproj src/BackOffice.ECommPay.Sandbox/
COPY src/BackOffice.CardAcquirer/BackOffice.CardAcquirer.csproj src/BackOffice.CardAcquirer/
COPY src/BackOffice.CardAcquirer.Sandbox/BackOffice.CardAcquirer.Sandbox.csproj src/BackOffice.CardAcquirer.Sandbox/
COPY src/BackOffice.Sandbox.Kit/BackOffice.Sandbox.Kit.csproj src/BackOffice.Sandbox.Kit/
COPY src/BackOffice.Web/BackOffice.Web.csproj src/BackOffice.Web/
RUN dotnet restore src/BackOffice.Web/BackOffice.Web.csproj
COPY appsettings.Development.json ./
COPY wwwroot-assets/ wwwroot-assets/
COPY src/ src/
RUN dotnet publish src/BackOffice.Web/BackOffice.Web.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's non-root user "app" owns only the data folder.
RUN mkdir -p /app/App_Data && chown app:app /app/App_Data
USER app
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
VOLUME ["/app/App_Data"]
ENTRYPOINT ["dotnet", "BackOffice.Web.dll"]
