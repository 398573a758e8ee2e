import { serveSimulator } from '@baton/simulator';
import { registerWeather } from './weather.js';

await serveSimulator('weather', 'BATON_WEATHER_PORT', 8348, (sim) => registerWeather(sim));
