# A realistic but flawed service image: sluice lint explains what to fix.
FROM node:latest AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20.14-bookworm-slim
MAINTAINER platform-team@example.com
ENV NODE_ENV=production \
    NPM_TOKEN=npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
RUN apt-get update && apt-get install -y curl
RUN curl -fsSL https://deb.example.com/setup.sh | bash
RUN chmod -R 777 /srv
COPY .env /srv/app/.env
COPY --from=build /src/dist /srv/app
# hadolint ignore=DL3059
RUN cd /srv/app && npm install -g pm2
EXPOSE 3000 22
CMD node /srv/app/server.js
