# The Shegong image: one image, two roles (API or worker), chosen by the command.
# docker compose up builds it; see docker-compose.yml and docs/deployment.md.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY bin ./bin
COPY web ./web
RUN if [ -f web/package.json ] || [ -f web/vite.config.ts ]; then npm run build:web; fi

USER node
EXPOSE 3000
# Overridden per service in docker-compose.yml: `npm run api` or `npm run worker`.
CMD ["npm", "run", "api"]
