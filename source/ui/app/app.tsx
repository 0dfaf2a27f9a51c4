/** The dashboard's root component: the app container (state, keys) around the layout. */
export {AppContainer as App, minimumSize, type AppProps, type ServedApi} from './app-container.js';
